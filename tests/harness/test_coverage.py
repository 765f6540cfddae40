"""conformance/COVERAGE.md holds: it maps each of Http11Probe's 215 cases
(conformance/http11probe-cases.tsv, taken from github.com/MDA2AV/Http11Probe)
once, names only cases that exist, and every row it calls *equivalent* is
checked on the wire: the cases it names, run against a capture server,
send the framing-relevant bytes of Http11Probe's request. The summary counts
in COVERAGE.md are the ones this file counts.

Framing-relevant bytes: Http11Probe's request, byte for byte, from its first
byte to its last (request line, field lines with their line ends, the empty
line, the body and whatever else it sends on the connection, a request hidden
in the body included), except for what names a resource rather than frames a
message:

- the authority: Http11Probe's ``{ctx.HostHeader}`` and the capture server's
  ``127.0.0.1:PORT`` both read as ``HOST``, wherever they stand (Host value,
  absolute-form target, hidden request);
- the path: in a request line (a line that starts with a method and a space
  or HTAB) and after ``://HOST``, a run of ``/`` and the characters of a
  plain path (letters, digits, ``-._~/``) reads as one ``/``, or as
  ``/<long>`` when it is longer than half the line limit (a length past a
  server's limit is the point of such a request). Http11Probe asks for ``/``, this
  suite for the contract's routes (``/echo/body``); what is not a plain path
  character stays byte for byte (a space, ``#``, ``%00``, a NUL, a
  backslash, a non-ASCII byte: the malformations);
- a value Http11Probe computes when it runs (``{cl}``, ``{etag}``, a long run
  of one letter): the ``PLACEHOLDERS`` below say what each may be.

Our request may carry more field lines than Http11Probe's, between its lines,
when each is a well-formed ``name: value`` line whose name has nothing to do
with framing or with the connection (not Host, Content-Length,
Transfer-Encoding, Connection, Expect, Upgrade, TE, Trailer or Keep-Alive):
a Content-Type or a Cookie does not move where a request ends. Nothing else
may be added or left out; a row that needs more slack says so, and why, in
``ROW_EXCEPTIONS``. Whether our client then half-closes its side is not a
byte of the request and is not compared.

Http11Probe's bytes may start a connection of ours or follow a line end (a
request pipelined after another); after them, our connection ends or goes on
with a request of its own.

The capture server records every connection. Each case runs against it
twice: once answered by the reference server behind it (so that a case goes
through every request it makes of a conforming server, as one that stops at
its first unexpected answer would not), and once answered neutrally: each
request head it sees gets a 200 (a JSON ``{}``, an ETag and a Last-Modified)
or, when conditional, a 304, so that a case whose next request depends on a
capability the reference lacks (an ETag to send back) still sends it. The
bytes of either run count. Verdicts are not looked at: the suite's self-tests
judge them.

Run ``python tests/harness/test_coverage.py`` to print the summary table.
"""
import os
import re
import select
import socket
import threading

import pytest

import conformance
from conformance.case import all_cases
from conformance.judge import run_case
from conformance.profile import load_profile
from conformance.targets import UrlTarget, make_target

HERE = os.path.dirname(conformance.__file__)
COVERAGE = os.path.join(HERE, 'COVERAGE.md')
PROBE_CASES = os.path.join(HERE, 'http11probe-cases.tsv')
HTTP11PROBE_CASES = 215  # its Compliance, Smuggling, MalformedInput,
# Normalization, Cookies and Capabilities suites
GOAL = 0.90  # of them equivalent: the goal set for COVERAGE.md, which says
# why the related rows stay related (RFC 9110/9112 allow answers Http11Probe
# fails, or the contract asks more than the RFC); until the goal is met,
# the count may not fall below what it is
EQUIVALENT_AT_LEAST = 174
LABELS = ('equivalent', 'related', 'none')
TABLE_HEAD = '| Http11Probe | our cases | label | note |'
NO_CASE = '—'
BACKTICKED = re.compile(r'`([^`]+)`')

# What a value Http11Probe computes when it runs may be, in our bytes.
# Lengths and counts past a server's limits are set against the reference
# profile's, which the cases run with here.
PROFILE = load_profile('reference')
LONG = PROFILE.line_limit // 2  # bytes: past half the line limit is long
LETTER_RUN = rb'([A-Za-z])\1{%d,}' % (LONG - 1)
PLACEHOLDERS = {
    # a Content-Length or chunk size counting bytes that hold the host
    'cl': rb'[0-9]+',
    'hex': rb'[0-9a-fA-F]+',
    # validators sent back from the answer before (RFC 9110 §8.8)
    'etag': rb'(?:W/)?"[^"\r\n]*"',
    'etagWeak': rb'W/"[^"\r\n]*"',
    'etagUnquoted': rb'[^"\r\n]+',
    'lastModified': rb'[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} '
                    rb'[0-9]{2}:[0-9]{2}:[0-9]{2} GMT',
    # one letter repeated past a limit: Http11Probe's lengths are fixed
    # (7,900 to 100,000 bytes), ours follow the profile's line_limit
    'longPath': rb'/<long>', 'path': rb'/<long>',
    'longValue': LETTER_RUN, 'longName': LETTER_RUN,
    'longMethod': LETTER_RUN, 'bigValue': LETTER_RUN, 'longExt': LETTER_RUN,
    # the 200 bytes its "Content-Length: 0200" announces
    'body': rb'A{200}',
    # many copies of one element, as many as each probe sends
    'pairs': rb'k0=v0(?:; k[0-9]+=v[0-9]+)*',
    'ranges': rb'0-(?:,0-)*',
    # as many fields as the server takes, and more (Http11Probe 10,000)
    'manyFields': rb'(?:X-H-[0-9]+: value\r\n){%d,}' % PROFILE.max_headers,
    # 256 bytes from .NET's Random(42): a connection that opens with bytes
    # that are no request line
    'garbage': rb'(?![^\n]* HTTP/)[\x00-\xff]{8,}',
}
HOST = b'HOST'
PATH_RUN = re.compile(rb'(?m)(^[A-Za-z]+[ \t]+|://' + HOST + rb')'
                      rb'/[A-Za-z0-9._~/-]*')
FRAMING_FIELDS = ('host', 'content-length', 'transfer-encoding', 'connection',
                  'expect', 'upgrade', 'te', 'trailer', 'keep-alive')
EXTRA_LINE = (rb'(?:(?!(?i:' + '|'.join(FRAMING_FIELDS).encode() + rb')[ \t]*:)'
              rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+: [\x20-\x7e]*\r\n)")

# Rows whose bytes differ in one way that this table states and reasons.
# "Connection: close": our case asks on a connection of its own and says so,
# so that bytes after the answer (which must not come: content after a 304's
# head, say) show at the close instead of after a wait; the request is
# framed by its head alone either way, and its answer judged the same.
CLOSE = b'Connection: close\r\n'
ROW_EXCEPTIONS = {row: CLOSE for row in (
    'CAP-ETAG-304', 'CAP-LAST-MODIFIED-304', 'CAP-ETAG-IN-304',
    'CAP-INM-PRECEDENCE', 'CAP-INM-WILDCARD', 'CAP-IMS-FUTURE',
    'CAP-IMS-INVALID', 'CAP-ETAG-WEAK', 'COMP-DATE-HEADER',
    'COMP-DATE-FORMAT', 'COMP-CONTENT-TYPE', 'MAL-RANGE-OVERLAPPING')}


# ------------------------------------------------------------- the page


def _read_rows():
    """The rows of the per-suite tables: (suite, Http11Probe id, [our case
    ids], label, note)."""
    rows, suite, in_table = [], None, False
    with open(COVERAGE, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('## '):
                suite, in_table = line[3:], False
            elif line == TABLE_HEAD:
                in_table = True
            elif in_table and line.startswith('| ') and \
                    not line.startswith('|---'):
                cells = [c.strip() for c in line.strip('|').split('|')]
                assert len(cells) == 4, 'a row of four cells: %s' % line
                probe_id, ours, label, note = cells
                rows.append((suite, probe_id, _case_ids(ours), label, note))
            elif not line.startswith('|'):
                in_table = False
    return rows


def _case_ids(cell):
    if cell == NO_CASE:
        return []
    ids = BACKTICKED.findall(cell)
    assert BACKTICKED.sub('', cell).strip() == '', \
        'our cases as backticked ids, or %s: %s' % (NO_CASE, cell)
    return ids


def _read_probe_cases():
    """Http11Probe's cases: id -> (suite, request text)."""
    cases = {}
    with open(PROBE_CASES, encoding='utf-8') as f:
        lines = [line.rstrip('\n') for line in f if not line.startswith('#')]
    assert lines[0].split('\t') == ['id', 'suite', 'scored', 'level', 'rfc',
                                    'expected', 'request'], lines[0]
    for line in lines[1:]:
        fields = line.split('\t')
        assert len(fields) == 7, 'seven columns: %s' % line
        cases[fields[0]] = (fields[1], fields[6])
    return cases


ROWS = _read_rows()
PROBE = _read_probe_cases()
REGISTERED = {c.id: c for c in all_cases()}


def _labelled(label):
    return [row for row in ROWS if row[3] == label]


# ---------------------------------------------- Http11Probe's bytes


def _tokens(text):
    """Http11Probe's request text as ('byte', n) and ('value', name): C#
    string escapes as C# reads them, ``{0xHH}`` a raw byte, ``{name}`` a
    value computed when it runs."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == '\\':
            if text[i + 1] == 'x':  # one to four hex digits, as in C#
                digits = re.match(r'[0-9A-Fa-f]{1,4}', text[i + 2:]).group(0)
                code = int(digits, 16)
                out.append(('byte', code if code < 0x80 else ord('?')))
                i += 2 + len(digits)
                continue
            out.append(('byte', {'r': 13, 'n': 10, 't': 9, '0': 0,
                                 '\\': 92, '"': 34}[text[i + 1]]))
            i += 2
        elif c == '{':
            end = text.index('}', i)
            name = text[i + 1:end]
            if name.startswith('0x'):
                out.append(('byte', int(name, 16)))
            elif name == 'ctx.HostHeader':
                out.extend(('byte', b) for b in HOST)
            else:
                out.append(('value', name))
            i = end + 1
        else:
            out.append(('byte', ord(c)))
            i += 1
    return out


def normalise_paths(data):
    return PATH_RUN.sub(lambda m: m.group(1) + (
        b'/' if len(m.group(0)) - len(m.group(1)) <= LONG else
        b'/<long>'), data)


def probe_pattern(probe_id, extra=None):
    """A regular expression for the framing-relevant bytes of Http11Probe's
    request ``probe_id``, over our bytes as ``normalise`` leaves them;
    ``extra``: one more field line our request may carry in its head."""
    literal, values = bytearray(), []
    for kind, value in _tokens(PROBE[probe_id][1]):
        if kind == 'byte':
            literal.append(value)
        else:  # a marker byte that the request never holds
            literal.append(0xFF)
            values.append(PLACEHOLDERS[value])
    text = normalise_paths(bytes(literal))
    head_end = min([i for i in (text.find(b'\r\n\r\n'), text.find(b'\n\n'))
                    if i >= 0] or [len(text)])
    allowed = EXTRA_LINE + (b'|' + re.escape(extra) if extra else b'')
    pattern, value = b'', iter(values)
    for i, byte in enumerate(text):
        pattern += next(value) if byte == 0xFF else re.escape(bytes([byte]))
        # between the lines of the head: field lines of no framing concern
        if byte == 10 and text[i - 1:i] == b'\r' and i < head_end + 2:
            pattern += b'(?:' + allowed + b')*'
    if not pattern:  # nothing sent at all: a connection that stays empty
        return re.compile(rb'\A\Z')
    # a request opens a connection or follows a line end; bytes that are no
    # request open one
    start = rb'\A' if text[:1] == b'\xff' else rb'(?:\A|(?<=\n))'
    return re.compile(start + pattern + rb'(?=\Z|[A-Za-z]+ )', re.S)


def normalise(data, authority):
    """Our bytes as Http11Probe's are compared with: the authority as HOST,
    a plain path as one "/"."""
    return normalise_paths(data.replace(authority.encode(), HOST))


# ------------------------------------------------------ capture server

IDLE = 0.25  # seconds of silence after which the capture server closes
HEAD_ENDS = (b'\r\n\r\n', b'\n\n')
VALIDATORS = (b'ETag: "capture"\r\n'
              b'Last-Modified: Thu, 01 Jan 2015 00:00:00 GMT\r\n')


def neutral_answer(head):
    """A 304 to a conditional request, else a 200 with a JSON ``{}``."""
    lowered = head.lower()
    if b'\nif-none-match:' in lowered or b'\nif-modified-since:' in lowered:
        return b'HTTP/1.1 304 Not Modified\r\n' + VALIDATORS + b'\r\n'
    return (b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n' +
            VALIDATORS + b'Content-Length: 2\r\n\r\n{}')


class CaptureServer:
    """A loopback server that keeps the bytes of every connection, and
    answers neutrally or (``upstream``: (host, port)) relays to a server::

        with CaptureServer() as server:
            ... requests to 127.0.0.1:server.port ...
            connections = server.take()   # bytes of each, since last take
    """

    def __init__(self, upstream=None):
        self.upstream = upstream
        self.listener = socket.socket()
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self._connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.listener.close()

    def take(self):
        with self._lock:
            taken = [bytes(c) for c in self._connections]
            self._connections.clear()
        return taken

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # closed
            record = bytearray()
            with self._lock:
                self._connections.append(record)
            serve = self._relay if self.upstream else self._serve
            threading.Thread(target=serve, args=(conn, record),
                             daemon=True).start()

    def _keep(self, record, data):
        with self._lock:
            record.extend(data)

    def _serve(self, conn, record):
        answered = 0  # bytes of ``record`` whose heads have been answered
        try:
            while select.select([conn], [], [], IDLE)[0]:
                data = conn.recv(65536)
                if not data:
                    break
                self._keep(record, data)
                while True:
                    ends = [(record.find(e, answered), e) for e in HEAD_ENDS]
                    ends = [(i, e) for i, e in ends if i >= 0]
                    if not ends:
                        break
                    end, mark = min(ends)
                    conn.sendall(neutral_answer(bytes(record[answered:end])))
                    answered = end + len(mark)
        except OSError:
            pass
        finally:
            conn.close()

    def _relay(self, conn, record):
        try:
            server = socket.create_connection(self.upstream, 5)
        except OSError:
            conn.close()
            return
        ends = {conn: server, server: conn}
        try:
            while ends:
                for sock in select.select(list(ends), [], [], 5)[0]:
                    data = sock.recv(65536)
                    if not data:  # passed on as a half-close
                        ends[sock].shutdown(socket.SHUT_WR)
                        del ends[sock]
                        continue
                    if sock is conn:
                        self._keep(record, data)
                    ends[sock].sendall(data)
        except OSError:
            pass  # a reset: both are closed below
        finally:
            conn.close()
            server.close()


def _run_cases(server, profile, options):
    """A function of a case id: the bytes of each connection the case
    opened against ``server`` (run once, when first asked)."""
    target = UrlTarget({'base_url': 'http://127.0.0.1:%d' % server.port,
                        'contract': 'yes'},
                       profile, report_dir=None)
    target.measure_round_trip()
    # the harness's GET / after each case is no byte of the case's
    target.still_serving = lambda: None
    server.take()
    runs = {}

    def connections(case_id):
        if case_id not in runs:
            run_case(REGISTERED[case_id], target, options)
            runs[case_id] = server.take()
        return runs[case_id]
    return connections, target.host_header


@pytest.fixture(scope='module')
def captured(tmp_path_factory):
    """case id -> ([(the bytes of a connection the case opened, the capture
    server's authority)], of both runs)."""
    profile = PROFILE.replace(read_timeout=1.0, idle_timeout=2 * IDLE,
                              fuzz_examples=5)
    options = {'fuzz_examples': 5, 'fuzz_seed': 0}
    reference = make_target('local', {}, PROFILE,
                            str(tmp_path_factory.mktemp('reference')))
    reference.start()
    try:
        with CaptureServer((reference.host, reference.port)) as relayed, \
                CaptureServer() as neutral:
            runs = [_run_cases(relayed, profile, options),
                    _run_cases(neutral, profile, options)]
            yield lambda case_id: [(data, authority)
                                   for connections, authority in runs
                                   for data in connections(case_id)]
    finally:
        reference.stop()


def carried(captured, row):
    """The first of ``row``'s cases whose bytes carry Http11Probe's, or
    None."""
    _, probe_id, ours, _, _ = row
    pattern = probe_pattern(probe_id, ROW_EXCEPTIONS.get(probe_id))
    for case_id in ours:
        for data, authority in captured(case_id):
            if pattern.search(normalise(data, authority)):
                return case_id
    return None


# ---------------------------------------------------------------- tests


def test_every_http11probe_case_is_listed_once():
    ids = [row[1] for row in ROWS]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert not repeated, 'listed more than once: %s' % ', '.join(repeated)
    assert len(ids) == HTTP11PROBE_CASES == len(PROBE), \
        '%d listed, %d in the data, not %d' % (len(ids), len(PROBE),
                                               HTTP11PROBE_CASES)
    wrong = ['%s (%s, the data says %s)' % (row[1], row[0],
                                            PROBE.get(row[1], ('none',))[0])
             for row in ROWS
             if not row[0].startswith(PROBE.get(row[1], ('?',))[0] + ' (')]
    assert not wrong, 'listed in another suite: %s' % '; '.join(wrong)


def test_every_case_it_names_exists():
    """In the case column, and backticked in a note (where an Http11Probe
    id may be named too)."""
    named = {i for row in ROWS for i in row[2]}
    named |= {i for row in ROWS for i in BACKTICKED.findall(row[4])
              if i not in PROBE}
    unknown = sorted(named - set(REGISTERED))
    assert not unknown, 'no such case: %s' % ', '.join(unknown)


def test_every_row_has_a_label_and_a_note():
    wrong = ['%s: %r' % (row[1], row[3]) for row in ROWS
             if row[3] not in LABELS]
    assert not wrong, 'label not one of %s: %s' % (
        ', '.join(LABELS), '; '.join(wrong))
    silent = [row[1] for row in ROWS if len(row[4]) < 20]
    assert not silent, 'no note: %s' % ', '.join(silent)


def test_a_row_names_cases_unless_there_are_none():
    for _, probe_id, ours, label, _ in ROWS:
        if label == 'none':
            assert not ours, '%s has none yet names %s' % (
                probe_id, ', '.join(ours))
        else:
            assert ours, '%s is %s but names no case' % (probe_id, label)


def test_each_suite_heading_counts_its_rows():
    suites = {}
    for row in ROWS:
        suites[row[0]] = suites.get(row[0], 0) + 1
    for heading, count in suites.items():
        assert heading.endswith('(%d)' % count), \
            'heading "%s" over %d rows' % (heading, count)


def summary_table():
    """The summary of COVERAGE.md, as the rows count it."""
    lines = ['| label | Http11Probe cases | share |', '|---|---|---|']
    for label in LABELS:
        count = len(_labelled(label))
        lines.append('| %s | %d | %.1f%% |' % (
            label, count, 100.0 * count / HTTP11PROBE_CASES))
    lines.append('| total | %d | |' % len(ROWS))
    return '\n'.join(lines)


def test_the_summary_counts_the_rows():
    with open(COVERAGE, encoding='utf-8') as f:
        text = f.read()
    assert summary_table() in text, \
        'the summary in COVERAGE.md is not:\n' + summary_table()


@pytest.mark.parametrize('row', _labelled('equivalent'),
                         ids=lambda row: row[1])
def test_an_equivalent_row_sends_http11probes_bytes(captured, row):
    found = carried(captured, row)
    if found is None:
        shown = []
        for case_id in row[2]:
            shown += ['%s: %r' % (case_id, normalise(data, authority)[:300])
                      for data, authority in captured(case_id)]
        pytest.fail('none of %s sends the framing-relevant bytes of %s:\n'
                    '  Http11Probe: %r\n  ours:\n    %s' % (
                        ', '.join(row[2]), row[1], PROBE[row[1]][1],
                        '\n    '.join(shown)))


def test_the_share_of_equivalent_rows_does_not_fall():
    equivalent = len(_labelled('equivalent'))
    floor = min(EQUIVALENT_AT_LEAST, GOAL * HTTP11PROBE_CASES)
    assert equivalent >= floor, (
        '%d of the %d Http11Probe cases (%.1f%%) are equivalent, fewer than '
        '%d; the goal is %d%%' % (
            equivalent, HTTP11PROBE_CASES,
            100.0 * equivalent / HTTP11PROBE_CASES, floor, 100 * GOAL))


if __name__ == '__main__':
    print(summary_table())
