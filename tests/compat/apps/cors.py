# Cross-origin requests as microdot 1.x's CORS extension allows them.
import sys

from microdot import Microdot
from microdot_cors import CORS

app = Microdot()
cors = CORS(app, allowed_origins=['https://example.com'],
            allow_credentials=True)


@app.route('/api/items', methods=['GET', 'POST'])
def items(request):
    if request.method == 'POST':
        return {'created': request.json}, 201
    return {'items': [1, 2, 3]}


@app.get('/shutdown')
def shutdown(request):
    request.app.shutdown()
    return 'The server is shutting down...'


app.run(host='127.0.0.1', port=int(sys.argv[1]) if len(sys.argv) > 1
        else 5000)
