# Measured on MicroPython by bench/heap.py. The same file runs on every
# implementation of the microdot 1.x API; it prints the heap used by the
# import and the two routes, then serves until /heap is asked for.
import gc
import sys

gc.collect()
before = gc.mem_alloc()

from microdot import Microdot  # noqa: E402

app = Microdot()


@app.route('/')
def index(request):
    return 'Hello, world!'


@app.route('/heap')
def heap(request):
    gc.collect()
    return str(gc.mem_alloc() - before)


gc.collect()
print('DEFINED', gc.mem_alloc() - before)
if len(sys.argv) > 1:
    app.run(host='127.0.0.1', port=int(sys.argv[1]))
