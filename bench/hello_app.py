# The JSON hello route that bench/throughput.py loads with wrk. The same
# file runs on the reference, microdot 1.3.4 and microdot 2.7, under CPython
# and MicroPython:
#
#     PYTHONPATH=reference python bench/hello_app.py 8080
#     MICROPYPATH=reference:.frozen micropython bench/hello_app.py 8080
import sys

from microdot import Microdot

app = Microdot()


@app.route('/json')
def hello(request):
    return {'message': 'Hello, World!'}


app.run(host='127.0.0.1', port=int(sys.argv[1]))
