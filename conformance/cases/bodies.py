"""Bodies: request content arrives whole and byte-exact, whatever its size,
coding or pace (RFC 9110 §8.6, RFC 9112 §6-7), and the fixture parses it as
its media type says (the fixture contract: RFC 9110 says nothing of
parsing). Uses /echo/body, /echo/form, /echo/json, /upload/stream."""
import json
import time
import zlib

from conformance.case import MUST, case
from conformance.contract import echoed, expect_echo, post, post_chunked, \
    reading_chunked
from conformance.limits import body_pattern as _pattern
from conformance.probe import quoted
from conformance.wire import chunked

CONTRACT = 'fixtures/CONTRACT.md (Routes)'


def _streamed_size(profile):
    # above what the server buffers, within what it accepts
    return (profile.body_buffer + profile.body_limit) // 2


def _text(value):
    return json.dumps(value, ensure_ascii=False)


def _expect_upload(probe, reply, body):
    probe.expect_status(reply, 200)
    got = probe.json(reply)
    want = {'length': len(body), 'crc32': zlib.crc32(body)}
    probe.expect(got == want, 'the server counted %s' % json.dumps(want),
                 'it counted %s' % json.dumps(got))


@case('RFC9112-6-binary-body', 'RFC 9112 §6', MUST,
      'A body of all 256 byte values arrives byte-exact')
def binary_body(probe):
    # Http11Probe's "hello" (COMP-POST-CL-BODY) first, then every byte value
    reply = probe.exchange(post(probe, '/echo/body', b'hello'))
    expect_echo(probe, reply, b'hello')
    body = bytes(range(256)) + bytes(range(255, -1, -1))
    reply = probe.exchange(post(probe, '/echo/body', body, [
        ('Content-Type', 'application/octet-stream'),
        ('Content-Length', len(body))]))
    expect_echo(probe, reply, body)


@case('RFC9110-8.6-empty-body', 'RFC 9110 §8.6', MUST,
      'A body with Content-Length: 0 is empty, and answered without waiting')
def empty_body(probe):
    reply = probe.exchange(post(probe, '/echo/body', b''))
    probe.expect_status(reply, 200)
    got = echoed(probe, reply)
    probe.expect(got == b'', 'an empty body', 'received %d bytes: %s' % (
        len(got), quoted(got)))


@case('CONTRACT-form-body', CONTRACT, MUST,
      'A form body sent by a normal client (requests) is parsed as '
      'application/x-www-form-urlencoded')
def form_body(probe):
    sent = {'name': ['Ada Lovelace'], 'x': ['1', '2'], 'sym': ['a&b=c%'],
            'word': ['caf\u00e9']}
    res = probe.http('POST', '/echo/form', data=sent)
    probe.expect(res.status_code == 200, 'status 200',
                 'status %d' % res.status_code)
    got = probe.json(res).get('form')
    probe.expect(got == sent, 'form ' + _text(sent), 'form ' + _text(got))


@case('CONTRACT-json-body', CONTRACT, MUST,
      'A JSON body (UTF-8) sent by a normal client (requests) is parsed as '
      'JSON')
def json_body(probe):
    sent = {'text': 'caf\u00e9 \u2603', 'n': -12.5, 'list': [1, None, True],
            'nested': {'a': {'b': []}}}
    # raw UTF-8, as browsers send it (requests' json= escapes to ASCII)
    res = probe.http('POST', '/echo/json', headers={
        'Content-Type': 'application/json'}, data=json.dumps(
            sent, ensure_ascii=False).encode('utf-8'))
    probe.expect(res.status_code == 200, 'status 200',
                 'status %d' % res.status_code)
    got = probe.json(res).get('json')
    probe.expect(got == sent, 'json ' + _text(sent), 'json ' + _text(got))


@case('CONTRACT-invalid-json-4xx', CONTRACT, MUST,
      'A body that is not the JSON its Content-Type says is a client error '
      '(4xx), not a server error')
def invalid_json(probe):
    body = b'{"unterminated": [1, 2'
    reply = probe.exchange(post(probe, '/echo/json', body, [
        ('Content-Type', 'application/json'),
        ('Content-Length', len(body))]))
    probe.expect_status(reply, '4xx')


@case('RFC9112-6.2-streamed-body', 'RFC 9112 §6.2', MUST,
      'A body larger than the server buffers (within its limit) arrives '
      'whole through a streaming handler')
def streamed_body(probe):
    body = _pattern(_streamed_size(probe.profile))
    reply = probe.exchange(post(probe, '/upload/stream', body))
    _expect_upload(probe, reply, body)


@case('RFC9112-7.1-streamed-chunked-body', 'RFC 9112 §7.1', MUST,
      'A chunked body larger than the server buffers (within its limit) '
      'arrives whole through a streaming handler')
@reading_chunked
def streamed_chunked_body(probe):
    body = _pattern(_streamed_size(probe.profile))
    pieces = [body[i:i + 1000] for i in range(0, len(body), 1000)]
    reply = probe.exchange(post_chunked(probe, '/upload/stream',
                                        chunked(*pieces)))
    _expect_upload(probe, reply, body)


@case('RFC9112-6-body-in-segments', 'RFC 9112 §6', MUST,
      'A request sent in many small TCP segments, with pauses shorter than '
      'the idle timeout, arrives whole')
def body_in_segments(probe):
    body = _pattern(600)
    data = post(probe, '/echo/body', body)
    pause = 0.05
    if probe.profile.idle_timeout:
        pause = min(pause, probe.profile.idle_timeout / 10)
    conn = probe.connect()
    step = len(data) // 12 + 1
    for i in range(0, len(data), step):
        conn.send(data[i:i + step])
        time.sleep(pause)
    expect_echo(probe, probe.read(conn, 'POST'), body)


@case('CONTRACT-body-at-limit', 'fixtures/CONTRACT.md (Limits)', MUST,
      'A body of exactly the profile\'s body_limit is accepted, and arrives '
      'whole through a streaming handler')
def body_at_limit(probe):
    body = _pattern(probe.profile.body_limit)
    reply = probe.exchange(post(probe, '/upload/stream', body))
    _expect_upload(probe, reply, body)
