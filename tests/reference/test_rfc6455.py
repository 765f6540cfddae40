"""microdot_rfc6455, the WebSocket protocol without I/O: the handshake's
checks, frame heads, unmasking, UTF-8, and the protocol fed bytes however
they are cut (byte by byte, coalesced, at every split point)."""
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microdot_rfc6455 as rfc6455
from conformance.ws_wire import accept_for, close_frame, frame
from microdot import NoCaseDict
from microdot_rfc6455 import (BINARY, CLOSE, CONT, NEED_DATA, PING, PONG,
                              TEXT, Closed, HandshakeError, Protocol)

KEY = 'dGhlIHNhbXBsZSBub25jZQ=='


def headers(**changes):
    values = {'Upgrade': 'websocket', 'Connection': 'Upgrade',
              'Sec-WebSocket-Key': KEY, 'Sec-WebSocket-Version': '13'}
    values.update({k.replace('_', '-'): v for k, v in changes.items()})
    return NoCaseDict({k: v for k, v in values.items() if v is not None})


def events(proto, data=None):
    """Every event ``data`` (fed at once) makes, NEED_DATA excluded."""
    if data is not None:
        proto.receive_data(data)
    out = []
    while True:
        event = proto.next_event()
        if event is NEED_DATA:
            return out
        out.append(event)
        if isinstance(event, Closed):
            return out


def summary(items):
    return [('closed', e.code) if isinstance(e, Closed) else
            ('message', e) for e in items]


def server_frame(opcode, payload=b''):
    """A frame as the server writes it."""
    return Protocol.frame_head(opcode, len(payload)) + payload


def fed_in_pieces(stream, cuts, max_message=None):
    """The events and the owed bytes when ``stream`` arrives cut at
    ``cuts`` (sorted offsets)."""
    proto = Protocol(max_message)
    got, owed = [], b''
    at = 0
    for cut in list(cuts) + [len(stream)]:
        got += events(proto, stream[at:cut])
        owed += proto.data_to_send()
        at = cut
        if got and isinstance(got[-1], Closed):
            break
    return summary(got), owed


# ----------------------------------------------------------------- handshake

def test_the_rfc_example_key():
    assert Protocol.accept_key(KEY) == 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
    assert Protocol().check_handshake('GET', '1.1', headers()) == \
        's3pPLMBiTxaQ9kYGzzhZRbK+xOo='


@pytest.mark.parametrize('fields', [
    dict(Upgrade='WebSocket', Connection='keep-alive, upgrade'),
    dict(Upgrade='h2c, websocket'),
    dict(Sec_WebSocket_Key='  %s ' % KEY),
])
def test_valid_variants_are_accepted(fields):
    key = fields.get('Sec_WebSocket_Key', KEY).strip()
    assert Protocol().check_handshake('GET', '1.1', headers(**fields)) == \
        accept_for(key)


@pytest.mark.parametrize('method, version, fields, status', [
    ('POST', '1.1', {}, 400),
    ('GET', '1.0', {}, 400),
    ('GET', '1.1', dict(Upgrade=None), 400),
    ('GET', '1.1', dict(Upgrade='h2c'), 400),
    ('GET', '1.1', dict(Connection='keep-alive'), 400),
    ('GET', '1.1', dict(Sec_WebSocket_Key=None), 400),
    ('GET', '1.1', dict(Sec_WebSocket_Key='AAAAAAAAAAAAAAAAAAAA'), 400),
    ('GET', '1.1', dict(Sec_WebSocket_Key='AAAAAAAAAAAAAAAAAAAAAAAA'), 400),
    ('GET', '1.1', dict(Sec_WebSocket_Key='!!!!!!!!!!!!!!!!!!!!!!=='), 400),
    ('GET', '1.1', dict(Sec_WebSocket_Key=KEY + ', ' + KEY), 400),
    ('GET', '1.1', dict(Sec_WebSocket_Version=None), 400),
    ('GET', '1.1', dict(Sec_WebSocket_Version='8'), 426),
    ('GET', '1.1', dict(Sec_WebSocket_Version='13, 8'), 426),
])
def test_refusals(method, version, fields, status):
    with pytest.raises(HandshakeError) as refused:
        Protocol().check_handshake(method, version, headers(**fields))
    assert refused.value.status == status
    if status == 426:
        assert refused.value.headers['Sec-WebSocket-Version'] == '13'
        assert refused.value.headers['Upgrade'] == 'websocket'


# -------------------------------------------------------------- frame heads

@pytest.mark.parametrize('length, head', [
    (0, b'\x81\x00'), (125, b'\x81\x7d'), (126, b'\x81\x7e\x00\x7e'),
    (65535, b'\x81\x7e\xff\xff'),
    (65536, b'\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00'),
    (2 ** 40, b'\x81\x7f\x00\x00\x01\x00\x00\x00\x00\x00'),
])
def test_frame_head_uses_the_shortest_length(length, head):
    assert Protocol.frame_head(TEXT, length) == head


@pytest.mark.parametrize('length, form', [(0, 7), (125, 7), (126, 16),
                                          (65535, 16), (65536, 64)])
@pytest.mark.parametrize('masked', [True, False])
def test_parse_head_reads_each_length_form(length, form, masked):
    key = b'\x01\x02\x03\x04'
    data = frame(BINARY, bytes(length), mask=key if masked else False)
    size = {7: 2, 16: 4, 64: 10}[form] + (4 if masked else 0)
    assert Protocol.parse_head(data) == (True, 0, BINARY,
                                        key if masked else None, length, size)
    for cut in range(size):  # every part of a head is not yet a head
        assert Protocol.parse_head(data[:cut]) is None


def test_parse_head_reads_bits_and_opcodes():
    assert Protocol.parse_head(frame(0xB, b'', fin=False, rsv=5)
                              )[:3] == (False, 5, 0xB)
    assert Protocol.parse_head(frame(TEXT, b'x', length=(64, 1 << 63 | 1))
                              )[4] == 1 << 63 | 1


# ---------------------------------------------------------------- unmasking

@given(st.binary(max_size=3000), st.binary(min_size=4, max_size=4),
       st.integers(0, 7))
@settings(max_examples=200, deadline=None)
def test_unmask_is_xor_with_the_key_from_any_offset(data, key, offset):
    expected = bytes(b ^ key[(i + offset) % 4] for i, b in enumerate(data))
    assert Protocol.unmask(data, key, offset) == expected


# --------------------------------------------------------------------- UTF-8

def python_says(data):
    try:
        data.decode('utf-8')
        return True
    except UnicodeDecodeError:
        return False


def test_utf8_every_one_and_two_byte_sequence():
    for first in range(256):
        assert rfc6455.Utf8.whole(bytes((first,))) == python_says(
            bytes((first,)))
        for second in range(256):
            data = bytes((first, second))
            assert rfc6455.Utf8.whole(data) == python_says(data), data


@pytest.mark.parametrize('data', [
    b'\xe0\xa0\x80', b'\xe0\x9f\xbf', b'\xed\x9f\xbf', b'\xed\xa0\x80',
    b'\xef\xbf\xbf', b'\xf0\x90\x80\x80', b'\xf0\x8f\xbf\xbf',
    b'\xf4\x8f\xbf\xbf', b'\xf4\x90\x80\x80', b'\xf5\x80\x80\x80',
    b'\xc0\xaf', b'\xc1\xbf', b'\xe2\x82', b'\xe2\x82\xac',
])
def test_utf8_at_the_edges(data):
    assert rfc6455.Utf8.whole(data) == python_says(data)


@given(st.binary(max_size=40), st.lists(st.integers(0, 40), max_size=5))
@settings(max_examples=400, deadline=None)
def test_utf8_in_pieces_agrees_with_python(data, cuts):
    check = rfc6455.Utf8()
    at = 0
    ok = True
    for cut in sorted(set(c for c in cuts if c <= len(data))) + [len(data)]:
        ok = check.feed(data[at:cut]) and ok
        at = cut
    assert (ok and check.complete) == python_says(data)


@given(st.text(max_size=30), st.integers(0, 200))
@settings(max_examples=200, deadline=None)
def test_utf8_text_cut_anywhere_is_valid_and_incomplete_inside(text, cut):
    data = text.encode()
    cut = min(cut, len(data))
    check = rfc6455.Utf8()
    assert check.feed(data[:cut])
    inside = cut < len(data) and (data[cut] & 0xC0) == 0x80
    assert check.complete == (not inside)
    assert check.feed(data[cut:]) and check.complete


def test_utf8_fails_at_the_first_wrong_byte():
    check = rfc6455.Utf8()
    assert check.feed(b'ok \xce')
    assert not check.feed(b'\xff and more')
    assert not check.feed(b'fine')  # once wrong, always wrong


# ------------------------------------------------------------------ protocol

STREAM = (frame(TEXT, 'Hello') + frame(PING, b'ping!') +
          frame(BINARY, bytes(range(200))) +
          frame(TEXT, 'frag', fin=False) + frame(PONG, b'beat') +
          frame(CONT, 'men', fin=False) + frame(PING) + frame(CONT, 'ted') +
          frame(TEXT, 'κόσμε'.encode()[:3], fin=False) +
          frame(CONT, 'κόσμε'.encode()[3:]) +
          frame(BINARY, bytes(70000)) + close_frame(1000, 'bye'))
STREAM_EVENTS = [('message', 'Hello'), ('message', bytes(range(200))),
                 ('message', 'fragmented'), ('message', 'κόσμε'),
                 ('message', bytes(70000)), ('closed', 1000)]
STREAM_OWED = server_frame(PONG, b'ping!') + server_frame(PONG) + \
    server_frame(CLOSE, b'\x03\xe8')


def test_a_stream_in_one_piece():
    assert fed_in_pieces(STREAM, []) == (STREAM_EVENTS, STREAM_OWED)


def test_a_stream_byte_by_byte():
    small = STREAM[:-70014 - len(close_frame(1000, 'bye'))] + \
        close_frame(1000, 'bye')
    events_, owed = fed_in_pieces(small, range(1, len(small)))
    assert events_ == STREAM_EVENTS[:4] + [('closed', 1000)]
    assert owed == STREAM_OWED


def test_a_stream_cut_at_every_point():
    small = frame(TEXT, 'ab', fin=False) + frame(PING, b'p') + \
        frame(CONT, 'c') + frame(BINARY, b'\x00' * 130) + close_frame(1001)
    for cut in range(1, len(small)):
        assert fed_in_pieces(small, [cut]) == (
            [('message', 'abc'), ('message', b'\x00' * 130),
             ('closed', 1001)],
            server_frame(PONG, b'p') + server_frame(CLOSE, b'\x03\xe9'))


@given(st.lists(st.integers(1, len(STREAM) - 1), max_size=30))
@settings(max_examples=100, deadline=None)
def test_a_stream_cut_anywhere(cuts):
    assert fed_in_pieces(STREAM, sorted(set(cuts))) == (STREAM_EVENTS,
                                                        STREAM_OWED)


def test_empty_messages_are_messages():
    assert summary(events(Protocol(), frame(TEXT) + frame(BINARY) +
                          frame(TEXT, b'', fin=False) + frame(CONT))) == [
        ('message', ''), ('message', b''), ('message', '')]


def test_eof_without_close_is_abnormal():
    proto = Protocol()
    assert events(proto, frame(TEXT, 'half')[:4]) == []
    proto.receive_data(b'')
    assert summary(events(proto)) == [('closed', 1006)]
    assert proto.data_to_send() == b''


def test_a_close_without_code():
    proto = Protocol()
    assert summary(events(proto, close_frame())) == [('closed', 1005)]
    assert proto.data_to_send() == server_frame(CLOSE)


def test_nothing_is_read_after_a_close():
    proto = Protocol()
    assert summary(events(proto, close_frame(1000) + frame(TEXT, 'late') +
                          frame(PING))) == [('closed', 1000)]
    assert proto.data_to_send() == server_frame(CLOSE, b'\x03\xe8')
    assert proto.next_event() is proto.closed


ERRORS = {
    'rsv1': (frame(TEXT, 'x', rsv=4), 1002),
    'rsv2': (frame(TEXT, 'x', rsv=2), 1002),
    'rsv3': (frame(TEXT, 'x', rsv=1), 1002),
    'opcode-3': (frame(3, 'x'), 1002),
    'opcode-11': (frame(0xB), 1002),
    'unmasked': (frame(TEXT, 'x', mask=False), 1002),
    'ping-126': (frame(PING, b'p' * 126), 1002),
    'ping-without-fin': (frame(PING, fin=False), 1002),
    'lone-continuation': (frame(CONT, 'x'), 1002),
    'message-inside-message': (frame(TEXT, 'a', fin=False) +
                               frame(TEXT, 'b'), 1002),
    'length-top-bit': (frame(BINARY, b'x', length=(64, 1 << 63 | 1)), 1002),
    'surrogate': (frame(TEXT, b'\xed\xa0\x80'), 1007),
    'overlong': (frame(TEXT, b'\xc0\xaf'), 1007),
    'truncated': (frame(TEXT, b'\xe2\x82'), 1007),
    'invalid-in-fragment': (frame(TEXT, b'ok', fin=False) +
                            frame(CONT, b'\xff'), 1007),
    'close-one-byte': (frame(CLOSE, b'\x03'), 1002),
    'close-999': (close_frame(999), 1002),
    'close-1004': (close_frame(1004), 1002),
    'close-1005': (close_frame(1005), 1002),
    'close-1006': (close_frame(1006), 1002),
    'close-1015': (close_frame(1015), 1002),
    'close-2999': (close_frame(2999), 1002),
    'close-5000': (close_frame(5000), 1002),
    'close-reason-not-utf8': (close_frame(1000, b'\xff'), 1007),
}


@pytest.mark.parametrize('name', sorted(ERRORS))
def test_protocol_errors_fail_the_connection(name):
    data, code = ERRORS[name]
    proto = Protocol()
    got = events(proto, data + frame(PING, b'after'))
    assert summary(got) == [('closed', code)] and got[0].failed
    assert proto.data_to_send() == server_frame(CLOSE, bytes(
        (code >> 8, code & 0xFF)))  # and no Pong for the Ping after it


@pytest.mark.parametrize('code', [1000, 1001, 1002, 1003, 1007, 1008, 1009,
                                  1010, 1011, 1012, 1013, 1014, 3000, 4999])
def test_valid_close_codes_are_echoed(code):
    proto = Protocol()
    assert summary(events(proto, close_frame(code, 'why'))) == [
        ('closed', code)]
    assert proto.data_to_send() == server_frame(CLOSE, code.to_bytes(2,
                                                                      'big'))


def test_the_message_limit_is_checked_from_the_head():
    # the head alone fails it: the payload never has to come
    proto = Protocol(max_message=100)
    got = events(proto, frame(BINARY, bytes(101))[:8])
    assert summary(got) == [('closed', 1009)]
    assert summary(events(Protocol(100), frame(BINARY, bytes(100)))) == [
        ('message', bytes(100))]


def test_the_message_limit_counts_all_fragments():
    proto = Protocol(max_message=100)
    got = events(proto, frame(BINARY, bytes(60), fin=False) +
                 frame(CONT, bytes(41)))
    assert summary(got) == [('closed', 1009)]


def test_invalid_text_fails_before_its_frame_ends():
    proto = Protocol()
    data = frame(TEXT, b'\xff' + b'x' * 500)
    assert summary(events(proto, data[:12])) == [('closed', 1007)]


def test_sending():
    proto = Protocol()
    assert proto.send_message('κ') == (b'\x81\x02', 'κ'.encode())
    assert proto.send_message(b'\x00' * 200) == (b'\x82\x7e\x00\xc8',
                                                  b'\x00' * 200)
    assert proto.send_message(bytearray(b'ab')) == (b'\x82\x02', b'ab')
    assert proto.close(1001, 'bye') == b'\x88\x05\x03\xe9bye'
    assert proto.close() == b''  # once


def test_a_server_close_is_answered():
    proto = Protocol()
    proto.close()
    proto.receive_data(frame(PING) + close_frame(1000))
    assert summary(events(proto)) == [('closed', 1000)]
    assert proto.data_to_send() == b''  # no Pong, no second Close


def test_large_messages_in_random_pieces():
    payload = os.urandom(50000)
    data = frame(BINARY, payload, fin=False) + frame(CONT, b'end')
    assert fed_in_pieces(data, [1, 7, 13, 1000, 20000, 49999]) == (
        [('message', payload + b'end')], b'')
