"""python -m conformance matrix: columns, the three files it writes, and a
real run against the reference and http.server beside a peer that cannot be
installed."""
import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from conformance import peer_install
from conformance.case import all_cases
from conformance.verdicts import VERDICTS, HarnessError
from conformance.matrix import PeerRun, run_matrix
from conformance.matrix_report import pass_rate, peer_column, write_matrix
from conformance.peers import MICROPYTHON, Peer, PeerTarget, find_peer
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


def test_command_line_refuses_an_unknown_peer():
    done = subprocess.run([sys.executable, '-m', 'conformance', 'matrix',
                           '--peers', 'reference,nope'], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: no peer 'nope'")
    assert len(done.stderr.strip().splitlines()) == 1
