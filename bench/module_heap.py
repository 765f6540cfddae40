# Measured on MicroPython by bench/heap.py: the heap each module of the
# reference takes when imported, in the order a server loads them (the
# server first, then what requests need; asyncio among them; then the
# WebSocket modules, for an application that imports them). Prints one
# "MODULE bytes" line each.
import gc

for name in ('microdot', 'asyncio', 'microdot_http', 'microdot_server',
             'microdot_body', 'microdot_errors', 'microdot_status',
             'microdot_forms', 'microdot_routing', 'microdot_chunked',
             'microdot_cookies', 'microdot_files', 'microdot_overload',
             'microdot_rfc6455', 'microdot_websocket', 'microdot_thread',
             'microdot_asyncio_websocket'):
    gc.collect()
    before = gc.mem_alloc()
    __import__(name)
    gc.collect()
    print('MODULE', name, gc.mem_alloc() - before)
