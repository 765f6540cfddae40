# microdot 1.x's asyncio example (the extensions documentation), with an
# async hook and a streamed answer. Serves on the port given.
import sys

from microdot_asyncio import Microdot

app = Microdot()


@app.before_request
async def start(request):
    request.g.greeting = 'Hello'


@app.route('/')
async def hello(request):
    return request.g.greeting + ', world!'


@app.route('/echo', methods=['POST'])
async def echo(request):
    return {'json': request.json, 'length': request.content_length}


@app.get('/shutdown')
async def shutdown(request):
    request.app.shutdown()
    return 'The server is shutting down...'


app.run(host='127.0.0.1', port=int(sys.argv[1]) if len(sys.argv) > 1
        else 5000)
