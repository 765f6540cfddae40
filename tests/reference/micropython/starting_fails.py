# Starting a connection runs out of memory, on purpose: the connection that
# hit it is closed (after a 503 when its socket takes one at once), and the
# server goes on accepting. Runs on either interpreter:
#   micropython starting_fails.py PORT      (MICROPYPATH=reference:.frozen)
#   python starting_fails.py PORT           (PYTHONPATH=reference)
# The MemoryError is injected where a board would hit it: making the
# connection's object (connections 1 and 3) and starting its task (the task
# of connection 5).
import asyncio
import sys

import microdot_server
from microdot import Microdot

if sys.implementation.name == 'micropython':
    Base = microdot_server.Connection
else:
    import microdot_cpython
    Base = microdot_cpython.Connection

FAIL_OBJECT = (1, 3)
FAIL_TASK = (5,)
made = [0]
armed = [False]
create_task = asyncio.create_task


def failing_create_task(coro):
    if armed[0]:
        armed[0] = False
        raise MemoryError('injected: no memory for the task')
    return create_task(coro)


class FailingConnection(Base):
    def __init__(self, *args):
        made[0] += 1
        if made[0] in FAIL_OBJECT:
            raise MemoryError('injected: no memory for the connection')
        armed[0] = made[0] in FAIL_TASK
        super().__init__(*args)


class Server(microdot_server.Server):
    connection_class = FailingConnection


app = Microdot()


@app.route('/')
def index(request):
    return 'ok'


@app.route('/shutdown')
def shutdown(request):
    request.app.shutdown()
    return 'bye'


asyncio.create_task = failing_create_task
asyncio.run(Server(app).serve('127.0.0.1', int(sys.argv[1])))
print('served', made[0], 'connections')
