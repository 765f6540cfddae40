"""conformance/COVERAGE.md, the suite's coverage of Http11Probe, stays
true: it lists each of Http11Probe's cases once, names only cases that
exist, gives every row a status (and a reason where nothing maps), and the
share mapped to an equivalent case reaches the project's goal."""
import os
import re

import conformance
from conformance.case import all_cases

COVERAGE = os.path.join(os.path.dirname(conformance.__file__), 'COVERAGE.md')
HTTP11PROBE_CASES = 215  # its Compliance, Smuggling, MalformedInput,
# Normalization, Cookies and Capabilities suites
GOAL = 0.90  # of them mapped to an equivalent case
STATUSES = ('equivalent', 'partial', 'not applicable')
TABLE_HEAD = '| Http11Probe | our cases | status | note |'
NO_CASE = '—'
BACKTICKED = re.compile(r'`([^`]+)`')


def _read_rows():
    """The rows of the per-suite tables: (suite, Http11Probe id, [our case
    ids], status, note)."""
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
                probe_id, ours, status, note = cells
                rows.append((suite, probe_id, _case_ids(ours), status, note))
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


ROWS = _read_rows()
REGISTERED = {c.id for c in all_cases()}


def _probe_ids():
    return [row[1] for row in ROWS]


def test_every_http11probe_case_is_listed_once():
    ids = _probe_ids()
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert not repeated, 'listed more than once: %s' % ', '.join(repeated)
    assert len(ids) == HTTP11PROBE_CASES, \
        '%d Http11Probe cases listed, not %d' % (len(ids), HTTP11PROBE_CASES)
    malformed = [i for i in ids if not re.match(r'^[A-Z0-9][A-Z0-9._-]*$', i)]
    assert not malformed, 'not Http11Probe ids: %s' % ', '.join(malformed)


def test_every_case_it_names_exists():
    """In the case column, and backticked in a note (where an Http11Probe
    id may be named too)."""
    probe_ids = set(_probe_ids())
    named = {i for row in ROWS for i in row[2]}
    named |= {i for row in ROWS for i in BACKTICKED.findall(row[4])
              if i not in probe_ids}
    unknown = sorted(named - REGISTERED)
    assert not unknown, 'no such case: %s' % ', '.join(unknown)


def test_every_row_has_a_status():
    wrong = ['%s: %r' % (row[1], row[3]) for row in ROWS
             if row[3] not in STATUSES]
    assert not wrong, 'status not one of %s: %s' % (
        ', '.join(STATUSES), '; '.join(wrong))


def test_a_mapped_row_names_a_case_and_an_unmapped_one_gives_a_reason():
    for _, probe_id, ours, status, note in ROWS:
        if status == 'not applicable':
            assert not ours, '%s is not applicable yet names %s' % (
                probe_id, ', '.join(ours))
            assert len(note) > 20, '%s is not applicable without a ' \
                'reason' % probe_id
        else:
            assert ours, '%s is %s but names no case' % (probe_id, status)


def test_each_suite_heading_counts_its_rows():
    suites = {}
    for row in ROWS:
        suites[row[0]] = suites.get(row[0], 0) + 1
    for heading, count in suites.items():
        assert heading.endswith('(%d)' % count), \
            'heading "%s" over %d rows' % (heading, count)


def test_the_summary_counts_the_rows():
    with open(COVERAGE, encoding='utf-8') as f:
        text = f.read()
    for status in STATUSES:
        count = sum(1 for row in ROWS if row[3] == status)
        assert '| %s | %d |' % (status, count) in text, \
            'the summary does not say %d %s' % (count, status)


def test_the_share_mapped_to_an_equivalent_reaches_the_goal():
    equivalent = sum(1 for row in ROWS if row[3] == 'equivalent')
    share = equivalent / HTTP11PROBE_CASES
    gaps = [row[1] for row in ROWS if row[3] != 'equivalent' and
            'gap' in row[4].lower()]
    assert share >= GOAL, (
        '%d of the %d Http11Probe cases (%.1f%%) map to an equivalent case; '
        'the goal is %d%%. Gaps (%d): %s' % (
            equivalent, HTTP11PROBE_CASES, 100 * share, 100 * GOAL,
            len(gaps), ', '.join(gaps)))
