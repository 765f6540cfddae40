# microdot_rfc6455 on MicroPython: the protocol fed a stream cut at every
# point, UTF-8 at its edges, protocol errors. Exits 1 on the first failure.
import sys

import microdot_rfc6455 as rfc6455
from microdot_rfc6455 import (BINARY, CLOSE, CONT, NEED_DATA, PING, TEXT,
                              Protocol)

KEY = b'\x37\xfa\x21\x3d'


def frame(opcode, payload=b'', fin=True, rsv=0):
    # a client's frame: masked with KEY
    if isinstance(payload, str):
        payload = payload.encode()
    head = bytearray(Protocol.frame_head(opcode, len(payload)))
    head[0] = (0x80 if fin else 0) | rsv << 4 | opcode
    head[1] |= 0x80
    return bytes(head) + KEY + bytes(Protocol.unmask(payload, KEY))


def server_frame(opcode, payload=b''):
    return Protocol.frame_head(opcode, len(payload)) + payload


def run(data, cuts):
    proto = rfc6455.Protocol(8000)
    got = []
    at = 0
    for cut in cuts + [len(data)]:
        proto.receive_data(data[at:cut])
        at = cut
        while True:
            event = proto.next_event()
            if event is NEED_DATA:
                break
            got.append(event.code if isinstance(event, rfc6455.Closed)
                       else event)
            if isinstance(event, rfc6455.Closed):
                return got, proto.data_to_send()
    return got, proto.data_to_send()


def check(ok, what):
    if not ok:
        print('FAILED:', what)
        sys.exit(1)


GREEK = 'κόσμε \U0001f600'
STREAM = (frame(TEXT, 'ab', fin=False) + frame(PING, b'p') +
          frame(CONT, 'c') + frame(BINARY, bytes(range(256)) * 2) +
          frame(TEXT, GREEK.encode()[:4], fin=False) +
          frame(CONT, GREEK.encode()[4:]) + frame(CLOSE, b'\x03\xe9'))
EXPECTED = ['abc', bytes(range(256)) * 2, GREEK, 1001]
OWED = server_frame(9 + 1, b'p') + server_frame(CLOSE, b'\x03\xe9')
for cut in range(len(STREAM)):
    got, owed = run(STREAM, [cut] if cut else [])
    check(got == EXPECTED and owed == OWED, 'stream cut at %d: %r' % (
        cut, got))
got, owed = run(STREAM, list(range(1, len(STREAM))))
check(got == EXPECTED, 'stream byte by byte')

for data, valid in [(b'\xce\xba', True), (b'\xed\xa0\x80', False),
                    (b'\xc0\xaf', False), (b'\xf4\x90\x80\x80', False),
                    (b'\xf4\x8f\xbf\xbf', True), (b'\xe2\x82', False),
                    (b'\xef\xbf\xbf', True), (b'\xff', False)]:
    check(rfc6455.Utf8.whole(data) == valid, 'UTF-8 %r' % data)

for data, code in [(frame(TEXT, 'x', rsv=4), 1002), (frame(3, 'x'), 1002),
                   (frame(TEXT, b'\xed\xa0\x80'), 1007),
                   (frame(BINARY, bytes(8001)), 1009),
                   (frame(CLOSE, b'\x03\xed'), 1002)]:
    got, owed = run(data + frame(PING), [])
    check(got == [code] and owed == server_frame(
        CLOSE, code.to_bytes(2, 'big')), 'error %d: %r %r' % (code, got,
                                                              owed))
print('rfc6455 ok')
