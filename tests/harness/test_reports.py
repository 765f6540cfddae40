"""The three report files and the summary, from a run made up here."""
import json
import xml.etree.ElementTree as ET

from conformance.case import Case
from conformance.judge import Result
from conformance.verdicts import (BLOCKED, ERROR, FAIL, INFO, MAY, MUST,
                                  NON_STRICT, PASS, SHOULD, UNSUPPORTED)
from conformance.report import run_failed, summary_table, write_reports

EVIDENCE = [{'request': 'GET / HTTP/1.1\\r\\n', 'note': 'x',
             'response_head': 'HTTP/1.1 200 OK\\r\\n'}]


def make_run(verdicts, strict=False):
    results = []
    for i, (verdict, level) in enumerate(verdicts):
        case = Case('RFC0000-%d-case' % i, 'RFC 0000 §%d' % i, level,
                    'requirement %d <b>' % i, None, 'area%d' % (i % 2))
        results.append(Result(case, verdict, 'expected %d' % i,
                              'observed %d' % i, EVIDENCE, 0.01))
    return {'target': {'target': 'local', 'base_url': 'http://127.0.0.1:1'},
            'profile': {'name': 'reference'}, 'strict': strict,
            'started': '2026-11-26T00:00:00+00:00', 'duration': 1.5,
            'results': results}


ALL = [(PASS, MUST), (FAIL, MUST), (NON_STRICT, SHOULD), (INFO, MAY),
       (UNSUPPORTED, MUST), (ERROR, SHOULD)]


def test_three_files(tmp_path):
    paths = write_reports(str(tmp_path), make_run(ALL))
    assert sorted(paths) == ['index.html', 'junit.xml', 'results.json']
    data = json.loads((tmp_path / 'results.json').read_text())
    assert data['summary'] == {PASS: 1, FAIL: 1, NON_STRICT: 1, INFO: 1,
                               BLOCKED: 0, UNSUPPORTED: 1, ERROR: 1}
    first = data['cases'][0]
    for key in ('id', 'area', 'rfc', 'level', 'verdict', 'requirement',
                'expected', 'observed', 'request', 'response_head'):
        assert key in first
    assert data['profile'] == {'name': 'reference'}


def test_junit_properties_and_outcomes(tmp_path):
    write_reports(str(tmp_path), make_run(ALL))
    suite = ET.parse(tmp_path / 'junit.xml').getroot()
    assert suite.get('tests') == '6' and suite.get('failures') == '1'
    assert suite.get('errors') == '1' and suite.get('skipped') == '1'
    case = suite.find('testcase')
    props = {p.get('name'): p.get('value') for p in case.iter('property')}
    assert props['id'] == 'RFC0000-0-case' and props['level'] == MUST
    assert props['rfc'] == 'RFC 0000 §0'
    outcomes = [[c.tag for c in tc if c.tag != 'properties']
                for tc in suite.iter('testcase')]
    assert outcomes == [['system-out'], ['failure'], ['system-out'],
                        ['system-out'], ['skipped'], ['error']]


def test_strict_counts_non_strict_as_failure(tmp_path):
    write_reports(str(tmp_path), make_run(ALL, strict=True))
    suite = ET.parse(tmp_path / 'junit.xml').getroot()
    assert suite.get('failures') == '2'


def test_html_is_self_contained_and_escaped(tmp_path):
    write_reports(str(tmp_path), make_run(ALL))
    page = (tmp_path / 'index.html').read_text()
    assert '<script' not in page and '<link' not in page
    assert 'requirement 0 &lt;b&gt;' in page
    assert page.count('<details') == len(ALL)
    assert '<h2>area0</h2>' in page and '<h2>area1</h2>' in page


def test_run_failed():
    assert not run_failed(make_run([(PASS, MUST), (INFO, MAY)]))
    assert not run_failed(make_run([(NON_STRICT, SHOULD)]))
    assert run_failed(make_run([(NON_STRICT, SHOULD)], strict=True))
    assert run_failed(make_run([(FAIL, MUST)]))
    assert run_failed(make_run([(ERROR, MUST)]))


def test_summary_table_lists_areas_and_failures():
    table = summary_table(make_run(ALL))
    lines = table.splitlines()
    assert lines[0].split()[0] == 'area'
    assert any(line.startswith('total') for line in lines)
    assert any(line.startswith('FAIL') and 'RFC0000-1-case' in line
               for line in lines)


def test_html_opens_with_what_to_look_at(tmp_path):
    run = make_run(ALL)
    run['replay'] = {r.case.id: 'python -m conformance replay %s --target '
                     'local' % r.case.id for r in run['results']}
    write_reports(str(tmp_path), run)
    page = (tmp_path / 'index.html').read_text()
    attention = page.index('To look at first')
    assert attention < page.index('<h2>area0</h2>')
    listed = page[attention:page.index('</ul>', attention)]
    # FAIL first, then ERROR, then NON-STRICT; each linked to its row
    order = [listed.index('#case-RFC0000-%d-case' % i) for i in (1, 5, 2)]
    assert order == sorted(order)
    assert '#case-RFC0000-0-case' not in listed  # a PASS is not listed
    assert 'replay RFC0000-1-case' in listed
    assert 'id="case-RFC0000-1-case"' in page
    assert 'max-width:100ch' in page


def test_a_run_that_did_not_start_says_so(tmp_path):
    run = make_run([])
    run['start_error'] = 'cannot start the url target: nothing there'
    paths = write_reports(str(tmp_path), run)
    assert run_failed(run)
    data = json.loads((tmp_path / 'results.json').read_text())
    assert data['start_error'].startswith('cannot start')
    suite = ET.parse(paths['junit.xml']).getroot()
    assert suite.get('errors') == '1'
    assert suite.find('testcase').get('name') == 'target-start'
    assert 'did not start' in (tmp_path / 'index.html').read_text()


def test_a_partial_run_is_marked(tmp_path):
    run = make_run(ALL)
    run['selection'] = {'selected': 6, 'of': 160, 'partial': True,
                        'filters': "-k '405'"}
    write_reports(str(tmp_path), run)
    assert 'Partial run: 6 of 160' in (tmp_path / 'index.html').read_text()
    data = json.loads((tmp_path / 'results.json').read_text())
    assert data['selection']['partial']
