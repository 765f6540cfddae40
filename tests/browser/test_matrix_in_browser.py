"""A real browser reads the matrix: headless Chromium renders
reports/matrix/index.html, and what it shows (columns, counts, rates,
verdicts) is what matrix.json says; a cell's link opens the case's row in
that implementation's report, holding its evidence. A screenshot of the
matrix is kept beside it (reports/matrix/matrix.png).

It reads the matrix that ``tox -e matrix`` (``python -m conformance
matrix``) wrote; without one it makes a small one first (the reference and
http.server)."""
import functools
import json
import os
import pathlib
import struct
from html.parser import HTMLParser

import pytest

from conformance.matrix import run_matrix
from chromium import dump_dom, screenshot

ROOT = pathlib.Path(__file__).resolve().parents[2]
MATRIX = ROOT / 'reports' / 'matrix'
SCREEN = (1500, 1400)


class Rendered(HTMLParser):
    """The text of each element that has one of ``keys`` among its
    attributes (or the id ``wanted``), with those attributes."""

    VOID = {'br', 'meta', 'img', 'input', 'link', 'hr', 'col', 'wbr'}

    def __init__(self, html, wanted=None):
        super().__init__()
        self.wanted = wanted
        self.found = []   # [attrs, text parts]
        self.open = []    # stack of (tag, entry or None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        keep = any(k.startswith('data-') for k in attrs) or (
            self.wanted and attrs.get('id') == self.wanted) or tag == 'a'
        entry = [dict(attrs, tag=tag), []] if keep else None
        if entry:
            self.found.append(entry)
        if tag not in self.VOID:
            self.open.append((tag, entry))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _, entry in self.open:
            if entry is not None:
                entry[1].append(data)

    def elements(self, **attrs):
        return [(a, ' '.join(''.join(t).split())) for a, t in self.found
                if all(a.get(k) == v for k, v in attrs.items())]


@pytest.fixture(scope='module')
def matrix():
    if not (MATRIX / 'matrix.json').exists():
        run_matrix(['reference', 'http.server'], str(MATRIX))
    return json.loads((MATRIX / 'matrix.json').read_text())


@functools.lru_cache(maxsize=None)
def rendered_matrix():
    # called inside the tests, so that a missing browser FAILs each of them
    return Rendered(dump_dom((MATRIX / 'index.html').as_uri()))


def rate(value):
    if not value or not value['judged']:
        return '-'
    return '%d%% (%d/%d)' % (100 * value['passed'] // value['judged'],
                             value['passed'], value['judged'])


def test_every_column_is_shown_in_order(matrix):
    page = rendered_matrix()
    headers = page.elements(tag='th')
    shown = [a['data-peer'] for a, _ in headers if 'data-peer' in a]
    assert shown == [c['name'] for c in matrix['peers']]
    for (attrs, text), column in zip(
            [h for h in headers if 'data-peer' in h[0]], matrix['peers']):
        assert column['label'] in text and column['runtime'] in text, text
        if column['status'] != 'ran':
            assert column['status'] in text, text


def test_every_count_and_rate_matches_the_json(matrix):
    page = rendered_matrix()
    for column in matrix['peers']:
        name = column['name']
        for verdict, count in (column['summary'] or {}).items():
            [(_, text)] = page.elements(**{'data-peer': name,
                                           'data-count': verdict})
            assert text == str(count), (name, verdict, text, count)
        for level in ('MUST', 'SHOULD'):
            [(_, text)] = page.elements(**{'data-peer': name,
                                           'data-rate': level})
            expected = rate(column['rates'][level]) if column['rates'] \
                else '-'
            assert text == expected, (name, level, text)


def test_every_cell_shows_its_verdict(matrix):
    page = rendered_matrix()
    rows = page.elements(tag='tr')
    case_rows = [a['data-case'] for a, _ in rows if 'data-case' in a]
    assert case_rows == [c['id'] for c in matrix['cases']]
    for column in matrix['peers']:
        cells = [text for a, text in page.elements(tag='td')
                 if a.get('data-peer') == column['name'] and
                 'data-count' not in a and 'data-rate' not in a and
                 'data-limit' not in a]
        expected = [column['verdicts'].get(c['id'], '-')
                    for c in matrix['cases']]
        assert cells == expected, column['name']


def test_every_limit_shows_declared_and_measured(matrix):
    page = rendered_matrix()
    for column in matrix['peers']:
        limits = column.get('limits')
        for kind in ('request_line', 'field_line', 'fields', 'body'):
            [(attrs, text)] = page.elements(**{'data-peer': column['name'],
                                               'data-limit': kind})
            if not limits:
                assert text == '-'
                continue
            found = limits['kinds'][kind]
            assert text == '%s / %s' % (found['declared_text'],
                                        found['measured']['text'])
            assert (attrs.get('class') == 'differ') == \
                (kind in limits['differ']), (column['name'], kind)


def evidence_link(column, page):
    """A cell of the column to follow: its first FAIL, else its first."""
    links = [(a['href'], text) for a, text in page.elements(tag='a')
             if a.get('href', '').startswith(column['name'] + '/index.html#')]
    failing = [link for link in links if link[1] == 'FAIL']
    return (failing or links)[0]


def test_a_cell_opens_the_evidence_of_its_case(matrix):
    page = rendered_matrix()
    followed = 0
    for column in matrix['peers']:
        if column['status'] != 'ran':
            continue
        href, verdict = evidence_link(column, page)
        path, anchor = href.split('#')
        case_id = anchor[len('case-'):]
        results = json.loads((MATRIX / column['name'] /
                              'results.json').read_text())
        [case] = [c for c in results['cases'] if c['id'] == case_id]
        target = Rendered(dump_dom((MATRIX / path).as_uri() + '#' + anchor),
                          wanted=anchor)
        [(_, row)] = target.elements(id=anchor)
        assert case_id in row and verdict in row and verdict == \
            case['verdict']
        assert ' '.join(case['observed'].split())[:80] in row, row[:300]
        sent = [e['request'] for e in case['evidence'] if e['request']]
        if sent:
            # a silent client's exchange sends nothing; its row shows the rest
            first_line = sent[0].splitlines()[0]
            assert ' '.join(first_line.split()) in row, first_line
        followed += 1
    assert followed >= 1


def test_a_screenshot_of_the_matrix_is_kept(matrix):
    path = MATRIX / 'matrix.png'
    if path.exists():
        os.remove(path)
    screenshot((MATRIX / 'index.html').as_uri(), str(path), SCREEN)
    data = path.read_bytes()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    width, height = struct.unpack('>II', data[16:24])
    assert (width, height) == SCREEN and len(data) > 20000
