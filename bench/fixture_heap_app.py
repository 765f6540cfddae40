# Measured on MicroPython by bench/heap.py: the conformance fixture
# (fixtures/app.py, the folder given as the first argument, from source or
# compiled) with a /heap route, served on the port given second. It runs
# on every implementation of the microdot 1.x API, as the fixture does.
import gc
import sys

gc.collect()
before = gc.mem_alloc()
sys.path.insert(0, sys.argv[1])

import app as fixture  # noqa: E402


@fixture.app.route('/heap')
def heap(request):
    gc.collect()
    return str(gc.mem_alloc() - before)


gc.collect()
print('DEFINED', gc.mem_alloc() - before)
if len(sys.argv) > 2:
    fixture.app.run(host='127.0.0.1', port=int(sys.argv[2]))
