"""python -m conformance matrix: columns, the three files it writes, a real
run against the reference and http.server beside a peer that cannot be
installed, a column whose adapter fails its check, and one whose measured
limits differ from its profile's."""
import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from mpy_http_conformance import fixture_path

from conformance import peer_install
from conformance.case import all_cases
from conformance.verdicts import VERDICTS, HarnessError
from conformance.matrix import PeerRun, run_matrix
from conformance.matrix_report import pass_rate, peer_column, write_matrix
from conformance.peers import MICROPYTHON, PYTHON, Peer, PeerTarget, find_peer
from conformance.profile import load_profile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class Elements(HTMLParser):
    """Every start tag's attributes, for looking things up."""

    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def where(self, **attrs):
        return [a for _, a in self.tags
                if all(a.get(k) == v for k, v in attrs.items())]


def fake_results(verdicts):
    cases = [{'id': c.id, 'level': c.level, 'verdict': v}
             for c, v in zip(all_cases(), verdicts)]
    summary = {v: 0 for v in VERDICTS}
    for c in cases:
        summary[c['verdict']] = summary.get(c['verdict'], 0) + 1
    return {'profile': {'missing_routes': []}, 'start_error': None,
            'cases': cases, 'summary': summary}


def test_pass_rates_count_only_judged_cases():
    cases = [{'level': 'MUST', 'verdict': v} for v in
             ('PASS', 'PASS', 'FAIL', 'INFO', 'UNSUPPORTED', 'ERROR')] + [
        {'level': 'SHOULD', 'verdict': 'NON-STRICT'}]
    assert pass_rate(cases, 'MUST') == {'passed': 2, 'judged': 4}
    assert pass_rate(cases, 'SHOULD') == {'passed': 0, 'judged': 1}


def test_files_of_a_matrix_with_a_column_that_did_not_run(tmp_path):
    peer = find_peer('http.server')
    ran = peer_column(peer, 'ran', None, fake_results(
        ['PASS', 'FAIL', 'NON-STRICT'] * 100), 1.0)
    absent = peer_column(find_peer('phew'), 'not installed', 'pip said no',
                         None, 0.0)
    paths = write_matrix(str(tmp_path), {
        'generated': 'now', 'duration': 1.0, 'command': 'x',
        'peers': [ran, absent]})
    data = json.loads(open(paths['matrix.json']).read())
    assert [c['name'] for c in data['peers']] == ['http.server', 'phew']
    assert len(data['cases']) == len(all_cases())
    page = Elements(open(paths['index.html']).read())
    first = all_cases()[0].id
    link = page.where(href='http.server/index.html#case-' + first)
    assert link, 'no link to the first case of http.server'
    assert page.where(**{'data-peer': 'phew', 'data-count': 'FAIL'})
    summary = open(paths['summary.md']).read()
    assert '| http.server |' in summary
    assert 'not installed: pip said no' in summary


def test_a_peer_target_that_cannot_start_says_why(tmp_path):
    broken = Peer('broken', 'broken', MICROPYTHON, 'phew',
                  app=str(tmp_path / 'missing.py'), venv='phew')
    target = PeerTarget(broken, {}, load_profile('phew'), str(tmp_path))
    with pytest.raises(HarnessError, match='exited with status'):
        target.start()
    target.stop()


def test_a_run_whose_target_did_not_start_is_reported_so(tmp_path):
    run = PeerRun(find_peer('http.server'), str(tmp_path), lambda s: None)
    os.makedirs(run.dir)
    run._pytest([sys.executable, '-c', 'raise SystemExit(3)'])
    assert run.status == 'did not start' and 'status 3' in run.problem


@pytest.fixture(scope='module')
def real_matrix(tmp_path_factory):
    """The reference and http.server, and a peer pip cannot install."""
    out = tmp_path_factory.mktemp('matrix')
    unknown = Peer('uninstallable', 'uninstallable', 'CPython', 'generic',
                   app='x.py', packages=['not a requirement!'])
    said = []
    original = peer_install.PEERS_DIR
    peer_install.PEERS_DIR = str(tmp_path_factory.mktemp('peers'))
    try:
        matrix = run_matrix(['reference', 'http.server', unknown], str(out),
                            jobs=2, say=said.append,
                            pytest_args=['--fuzz-examples=5'])
    finally:
        peer_install.PEERS_DIR = original
    return out, matrix, said


def test_every_column_has_its_status(real_matrix):
    out, matrix, said = real_matrix
    status = {c['name']: c['status'] for c in matrix['peers']}
    assert status == {'reference': 'ran', 'http.server': 'ran',
                      'uninstallable': 'not installed'}, said
    reference = matrix['peers'][0]['summary']
    assert reference['PASS'] and not reference['FAIL'] and \
        not reference['NON-STRICT'] and not reference['ERROR']
    assert any('uninstallable cannot be installed' in line for line in said)
    assert any(' cases ' in line or 'ran in' in line for line in said)


def test_each_column_was_checked_and_measured_first(real_matrix):
    out, matrix, said = real_matrix
    for column in matrix['peers'][:2]:
        check = column['adapter_check']
        assert check['passed'] and check['requests'] > 40, check
        limits = column['limits']
        assert limits['differ'] == [], limits  # the profiles are true
        assert set(limits['kinds']) == {'request_line', 'field_line',
                                        'fields', 'body'}
    http_server = matrix['peers'][1]['limits']['kinds']
    assert http_server['request_line']['measured']['value'] == 65534
    assert http_server['fields']['measured']['value'] == 99
    assert matrix['peers'][2]['adapter_check'] is None
    summary = (out / 'summary.md').read_text()
    assert '| as declared |' in summary


def test_cells_link_to_rows_of_the_peer_reports(real_matrix):
    out, matrix, _ = real_matrix
    page = Elements((out / 'index.html').read_text())
    for column in matrix['peers'][:2]:
        report = (out / column['name'] / 'index.html').read_text()
        rows = {a.get('id') for _, a in Elements(report).tags}
        links = [a['href'] for _, a in page.tags if a.get(
            'href', '').startswith(column['name'] + '/index.html#')]
        assert len(links) == len(all_cases())
        for href in links:
            assert href.split('#')[1] in rows, href


def test_the_per_peer_reports_are_the_usual_ones(real_matrix):
    out, _, _ = real_matrix
    for name in ('reference', 'http.server'):
        files = set(os.listdir(out / name))
        assert {'index.html', 'results.json', 'junit.xml', 'server.log',
                'pytest.log'} <= files, files
    assert not os.path.exists(out / 'uninstallable')


def test_a_column_whose_adapter_fails_its_check_has_no_verdicts(tmp_path):
    script = tmp_path / 'no_own_date.py'
    script.write_text('import sys\nsys.path.insert(0, %r)\n'
                      'import http_server_peer as peer\n'
                      'peer.ROUTES[:] = [r for r in peer.ROUTES if '
                      'r[1].pattern != "^/own-date$"]\npeer.main()\n'
                      % fixture_path('peers'))
    broken = Peer('broken', 'broken', PYTHON, 'http.server',
                  app=str(script), venv='http-server')
    matrix = run_matrix([broken], str(tmp_path / 'out'), jobs=1,
                        say=lambda line: None)
    column = matrix['peers'][0]
    assert column['status'] == 'adapter check failed'
    assert column['problem'] == ('GET /own-date: status 200 expected, got '
                                 'HTTP/1.1 404 Not Found')
    assert column['summary'] is None and column['verdicts'] == {}
    assert not os.path.exists(tmp_path / 'out' / 'broken' / 'pytest.log')
    summary = (tmp_path / 'out' / 'summary.md').read_text()
    assert '| adapter check failed: GET /own-date: status 200 expected' \
        in summary
    page = (tmp_path / 'out' / 'index.html').read_text()
    assert 'adapter check failed: GET /own-date' in page


def test_limits_that_differ_are_shown_and_used(tmp_path):
    # http.server judged with a profile that declares the contract's limits
    # (2048-byte lines, no count of header lines): measured, they differ
    wrong = Peer('http.server', 'http.server', PYTHON, 'generic',
                 app=find_peer('http.server').app, venv='http-server')
    out = tmp_path / 'out'
    matrix = run_matrix([wrong], str(out), jobs=1, say=lambda line: None,
                        pytest_args=['-k', 'at-limit or too-long or '
                                     'too-many or long-field-name'])
    column = matrix['peers'][0]
    limits = column['limits']
    assert limits['differ'] == ['request_line', 'field_line', 'fields']
    line = limits['kinds']['request_line']
    assert (line['declared'], line['measured']['value']) == (2048, 65534)
    # the run used the measured limits: the at-limit cases pass
    assert column['verdicts']['CONTRACT-request-line-at-limit'] == 'PASS'
    assert column['verdicts']['CONTRACT-fields-at-limit'] == 'PASS'
    used = json.loads((out / 'http.server' / 'profile.json')
                      .read_text())
    assert (used['request_line_limit'], used['max_headers']) == (65534, 99)
    assert 'declared 2048 bytes' in used['description']
    summary = (out / 'summary.md').read_text()
    assert '**request line: 2048 bytes declared, 65534 bytes measured; ' \
        'header line: 2048 bytes declared, 65534 bytes measured; header ' \
        'lines: none declared, 99 lines measured**' in summary
    page = Elements((out / 'index.html').read_text())
    assert page.where(**{'data-limit': 'fields', 'class': 'differ'})
    assert page.where(**{'data-limits': 'differ'})


def test_command_line_refuses_an_unknown_peer():
    done = subprocess.run([sys.executable, '-m', 'conformance', 'matrix',
                           '--peers', 'reference,nope'], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: no peer 'nope'")
    assert len(done.stderr.strip().splitlines()) == 1
