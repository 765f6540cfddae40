# A streamed response as microdot 1.x's documentation makes one: a
# generator of the Fibonacci numbers below 100.
import sys

from microdot import Microdot

app = Microdot()


@app.get('/fibonacci')
def fibonacci(request):
    def generate_fibonacci():
        a, b = 0, 1
        while a < 100:
            yield str(a) + '\n'
            a, b = b, a + b

    return generate_fibonacci()


@app.get('/lines/<int:n>')
def lines(request, n):
    def generate():
        for i in range(n):
            yield 'line %d of %d\n' % (i + 1, n)
    return generate(), {'Content-Type': 'text/csv'}


@app.get('/shutdown')
def shutdown(request):
    request.app.shutdown()
    return 'The server is shutting down...'


app.run(host='127.0.0.1', port=int(sys.argv[1]) if len(sys.argv) > 1
        else 5000)
