"""Raw-socket reproductions of the websocket area's findings in upstream
microdot, against its documented echo alone (echo134.py for 1.3.4,
echo27.py for 2.7) serving /echo on PORT, not the fixture::

    PYTHONPATH=.cache/upstream/microdot-1.3.4 python echo134.py 8001 &
    python repro.py 8001 [SCENARIO ...]       # every scenario by default

Each scenario prints the bytes sent, the bytes received within WAIT
seconds, and how the connection ended. Frames are masked with RFC 6455
5.7's example key 37 fa 21 3d."""
import socket
import sys
import time

KEY = b'\x37\xfa\x21\x3d'
WAIT = 1.5


def frame(first, payload=b'', mask=True, length=None):
    n = len(payload) if length is None else length
    if n < 126:
        head = bytes((first, (0x80 if mask else 0) | n))
    elif n < 65536:
        head = bytes((first, (0x80 if mask else 0) | 126)) + n.to_bytes(2, 'big')
    else:
        head = bytes((first, (0x80 if mask else 0) | 127)) + n.to_bytes(8, 'big')
    if not mask:
        return head + payload
    return head + KEY + bytes(b ^ KEY[i % 4] for i, b in enumerate(payload))


def handshake(port, key='dGhlIHNhbXBsZSBub25jZQ==', extra=b'', version=b'13',
              start=b'GET /echo HTTP/1.1'):
    s = socket.create_connection(('127.0.0.1', port))
    lines = [start, b'Host: 127.0.0.1', b'Upgrade: websocket',
             b'Connection: Upgrade']
    if key is not None:
        lines.append(b'Sec-WebSocket-Key: ' + key.encode())
    if version is not None:
        lines.append(b'Sec-WebSocket-Version: ' + version)
    data = b'\r\n'.join(lines) + b'\r\n' + extra + b'\r\n'
    s.sendall(data)
    return s, data


def read(s, wait=WAIT):
    s.settimeout(0.1)
    out, end = b'', 'still open'
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            end = 'RST'
            break
        if not data:
            end = 'FIN'
            break
        out += data
    return out, end


def brief(data, most=120):
    if len(data) <= most:
        return repr(data)
    return '%r ... %r (%d bytes)' % (data[:most // 2], data[-most // 4:],
                                     len(data))


def show(label, sent, got, end):
    print('--- %s\n  sent: %s\n  got:  %s\n  then: %s' % (
        label, brief(sent), brief(got, 240), end))


def opened(port):
    s, _ = handshake(port)
    head = b''
    while b'\r\n\r\n' not in head:
        head += s.recv(1)
    return s


def exchange(port, label, data, pieces=None, wait=WAIT):
    s = opened(port)
    note = ''
    try:
        if pieces:
            for i in range(0, len(data), pieces):
                s.sendall(data[i:i + pieces])
                time.sleep(0.02)
        else:
            s.sendall(data)
    except OSError as exc:
        note = ' (sending stopped: %s)' % exc
    got, end = read(s, wait)
    show(label, data, got, end + note)
    s.close()


def refused(port, label, **kw):
    s, sent = handshake(port, **kw)
    got, end = read(s, 0.5)
    show(label, sent, got.split(b'\r\n\r\n')[0], end)
    s.close()


def text(payload, fin=True):
    return frame((0x80 if fin else 0) | 1, payload)


SCENARIOS = {
    'key-15-bytes': lambda p: refused(p, 'key of 15 bytes',
                                      key='AAAAAAAAAAAAAAAAAAAA'),
    'key-not-base64': lambda p: refused(p, 'key not base64',
                                        key='!!!!!!!!!!!!!!!!!!!!!!=='),
    'key-twice': lambda p: refused(
        p, 'two keys', extra=b'Sec-WebSocket-Key: BBBBBBBBBBBBBBBBBBBBBA==\r\n'),
    'version-missing': lambda p: refused(p, 'no version', version=None),
    'version-8': lambda p: refused(p, 'version 8', version=b'8'),
    'http10': lambda p: refused(p, 'HTTP/1.0',
                                start=b'GET /echo HTTP/1.0'),
    'empty-text': lambda p: exchange(p, 'empty text', text(b'')),
    'empty-binary': lambda p: exchange(p, 'empty binary', frame(0x82)),
    'unmasked': lambda p: exchange(p, 'unmasked text',
                                   frame(0x81, b'not masked', mask=False)),
    'split': lambda p: exchange(p, 'a 240-byte text frame sent a byte at a '
                                'time', text(b'split ' * 40), pieces=1),
    'length-64bit': lambda p: exchange(
        p, '65536-byte binary (64-bit length)', frame(0x82, bytes(65536))),
    'msb': lambda p: exchange(
        p, '64-bit length with its top bit set',
        bytes((0x82, 0xff)) + (1 << 63 | 4).to_bytes(8, 'big') + KEY +
        bytes(b ^ KEY[i] for i, b in enumerate(b'tiny'))),
    'ping-126': lambda p: exchange(p, 'Ping of 126 bytes',
                                   frame(0x89, b'p' * 126)),
    'ping-fragmented': lambda p: exchange(
        p, 'Ping without FIN, then its continuation',
        frame(0x09, b'half') + frame(0x80, b' a ping')),
    'rsv1': lambda p: exchange(p, 'text with RSV1', frame(0xc1, b'rsv1')),
    'rsv2-after-valid': lambda p: exchange(
        p, 'valid text, text with RSV2, Ping', text(b'valid first') +
        frame(0xa1, b'rsv2') + frame(0x89, b'behind')),
    'rsv3': lambda p: exchange(p, 'binary with RSV3', frame(0x92, b'rsv3')),
    'rsv-ping': lambda p: exchange(p, 'Ping with RSV 7',
                                   frame(0xf9, b'rsv')),
    'opcode-3': lambda p: exchange(p, 'opcode 3', frame(0x83, b'reserved')),
    'opcode-7': lambda p: exchange(
        p, 'valid text, opcode 7, Ping', text(b'valid first') +
        frame(0x87, b'reserved') + frame(0x89, b'behind')),
    'opcode-11': lambda p: exchange(p, 'opcode 11', frame(0x8b, b'reserved')),
    'opcode-15': lambda p: exchange(p, 'opcode 15', frame(0x8f)),
    'fragmented': lambda p: exchange(
        p, 'text in three fragments', text(b'frag', fin=False) +
        frame(0x00, b'ment') + frame(0x80, b'ed')),
    'ping-between': lambda p: exchange(
        p, 'fragment, Ping, fragment', text(b'before ', fin=False) +
        frame(0x89, b'between') + frame(0x80, b'after')),
    'close-between': lambda p: exchange(
        p, 'fragment, then Close 1000', text(b'never ', fin=False) +
        frame(0x88, (1000).to_bytes(2, 'big'))),
    'invalid-utf8': lambda p: exchange(
        p, 'text that is not UTF-8 (a surrogate)',
        text(b'\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited')),
    'overlong': lambda p: exchange(p, 'overlong form C0 AF',
                                   text(b'a\xc0\xafb')),
    'above-10ffff': lambda p: exchange(p, 'F4 90 80 80 (above U+10FFFF)',
                                       text(b'a\xf4\x90\x80\x80b')),
    'truncated': lambda p: exchange(p, 'text ending inside a character',
                                    text(b'euro \xe2\x82')),
    'close': lambda p: exchange(p, 'Close 1000 "bye"', frame(
        0x88, (1000).to_bytes(2, 'big') + b'bye')),
    'close-empty': lambda p: exchange(p, 'Close without payload',
                                      frame(0x88)),
    'close-3000': lambda p: exchange(p, 'Close 3000', frame(
        0x88, (3000).to_bytes(2, 'big'))),
    'close-then-text': lambda p: exchange(
        p, 'Close 1000, then a text', frame(0x88, (1000).to_bytes(2, 'big'))
        + text(b'too late')),
    'big': lambda p: exchange(p, 'binary of 70000 bytes',
                              frame(0x82, bytes(70000))),
    'idle': lambda p: idle(p),
}


def idle(port):
    s = opened(port)
    got, end = read(s, 2.5)
    show('nothing sent for 2.5 s after the 101', b'', got, end)
    s.close()




def others(port):
    ws = opened(port)
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall(b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    got, end = read(s, 0.5)
    show('GET / on a second connection while a WebSocket is open (0.5 s)',
         b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', got, end)
    got, end = read(ws, 2.5)
    show('... meanwhile on the WebSocket (2.5 s, nothing sent)', b'', got,
         end)
    got, end = read(s, 1)
    show('... then on the second connection', b'', got, end)
    s.close()
    ws.close()


SCENARIOS['others'] = others


if __name__ == '__main__':
    port = int(sys.argv[1])
    for name in sys.argv[2:] or SCENARIOS:
        SCENARIOS[name](port)
        time.sleep(0.2)
