"""The matrix's files: ``matrix.json``, ``index.html`` and ``summary.md``.

Rows are the suite's cases grouped by area, columns the implementations;
each cell is the case's verdict for that implementation, linked to its
evidence in that implementation's own report
(``<peer>/index.html#case-<ID>``). Per column: the counts of each verdict
and the MUST and SHOULD pass rates, where a rate counts the cases of that
level that were judged (PASS, FAIL, NON-STRICT, ERROR), leaving out those
that did not apply (INFO) or were declared unsupported; and the limits its
profile declares beside the ones measured, the differing ones marked (the
suite then ran with the measured ones). A column whose adapter failed its
check has no verdicts, only the problems found::

    column = peer_column(peer, 'ran', None, results_json, 25.1,
                         checked.as_dict(), limits_report(...))
    write_matrix('reports/matrix', {'generated': ..., 'duration': ...,
                                    'command': ..., 'peers': [column, ...]})
"""
import html
import json

from conformance.case import all_cases
from conformance.limits import KINDS
from conformance.verdicts import (ERROR, FAIL, MUST, NON_STRICT, PASS, SHOULD,
                                  VERDICTS)
from conformance.report import COLOURS, CSS, write_files

JUDGED = (PASS, FAIL, NON_STRICT, ERROR)
RATE_LEVELS = (MUST, SHOULD)


def peer_column(peer, status, problem, results, duration, checked=None,
                limits=None):
    """One implementation's column, from its ``results.json`` (None when
    the suite did not run against it), what its adapter check found and
    its limits (``conformance.limits.limits_report``)."""
    column = dict(peer.describe(), status=status, problem=problem,
                  duration=round(duration, 1), report=None, summary=None,
                  rates=None, verdicts={}, missing_routes=[],
                  adapter_check=checked, limits=limits)
    if results is None:
        return column
    column['missing_routes'] = results['profile'].get('missing_routes') or []
    if results.get('start_error'):
        return column
    column['report'] = '%s/index.html' % peer.name
    column['verdicts'] = {c['id']: c['verdict'] for c in results['cases']}
    column['summary'] = results['summary']
    column['rates'] = {level: pass_rate(results['cases'], level)
                       for level in RATE_LEVELS}
    return column


def pass_rate(cases, level):
    """{'passed': n, 'judged': m} over the cases at ``level``."""
    judged = [c for c in cases if c['level'] == level and
              c['verdict'] in JUDGED]
    return {'passed': sum(c['verdict'] == PASS for c in judged),
            'judged': len(judged)}


def rate_text(rate):
    if not rate or not rate['judged']:
        return '-'
    return '%d%% (%d/%d)' % (100 * rate['passed'] // rate['judged'],
                             rate['passed'], rate['judged'])


def write_matrix(directory, matrix):
    """Write the three files; returns their paths by name."""
    matrix = dict(matrix, cases=[
        {'id': c.id, 'area': c.area, 'level': c.level, 'rfc': c.rfc,
         'requirement': c.requirement} for c in all_cases()])
    return write_files(directory, matrix, (('matrix.json', _json),
                                           ('index.html', _html),
                                           ('summary.md', summary_markdown)))


def _json(matrix):
    return json.dumps(matrix, indent=2, ensure_ascii=False) + '\n'


def _state(column):
    """'ran', or what kept the suite from running against it."""
    if column['status'] == 'ran':
        return 'ran'
    return '%s: %s' % (column['status'], column['problem'] or '')


def limits_text(column):
    """The column's limits in a few words: 'as declared', or each that
    differs as 'header line: 2048 declared, 4069 measured'."""
    limits = column.get('limits')
    if not limits:
        return '-'
    if not limits['differ']:
        return 'as declared'
    return '; '.join('%s: %s declared, %s measured' % (
        kind['label'], kind['declared_text'], kind['measured']['text'])
        for name, kind in limits['kinds'].items()
        if name in limits['differ'])


def summary_markdown(matrix):
    """A Markdown table, one row per implementation, for a CI job summary
    or a pull-request comment."""
    shown = [v for v in VERDICTS]
    lines = ['### HTTP conformance matrix', '',
             '%d cases against %d implementations (`%s`, %s); every cell '
             'of the full matrix links to its evidence: '
             '`reports/matrix/index.html`. Limits: those the profile '
             'declares, or where the ones measured differ, both (the suite '
             'then ran with the measured ones).' % (
                 len(matrix['cases']), len(matrix['peers']),
                 matrix['command'], matrix['generated']), '',
             '| implementation | runtime | MUST passed | SHOULD passed | ' +
             ' | '.join(shown) + ' | limits |',
             '|---|---|---|---|' + '---:|' * len(shown) + '---|']
    for column in matrix['peers']:
        if column['summary'] is None:
            lines.append('| %s | %s | %s |' % (
                _md(column['label']), _md(column['runtime']),
                _md(_state(column))) + ' |' * (len(shown) + 2))
            continue
        rates = column['rates']
        differ = bool(column.get('limits') and column['limits']['differ'])
        lines.append('| %s | %s | %s | %s | %s | %s |' % (
            _md(column['label']), _md(column['runtime']),
            rate_text(rates[MUST]), rate_text(rates[SHOULD]),
            ' | '.join(str(column['summary'][v]) for v in shown),
            ('**%s**' if differ else '%s') % _md(limits_text(column))))
    return '\n'.join(lines) + '\n'


def _md(text):
    return str(text).replace('|', '\\|').replace('\n', ' ')


def _e(text):
    return html.escape(str(text))


def _html(matrix):
    columns = matrix['peers']
    out = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width">',
           '<title>HTTP conformance matrix</title>',
           '<style>%s%s</style></head><body>' % (CSS, _MATRIX_CSS),
           '<h1>HTTP conformance matrix</h1>',
           '<p class="meta">%d cases &times; %d implementations &middot; '
           'generated %s in %.0f s by <code>%s</code>. Each verdict links '
           'to its evidence in that implementation\'s report.</p>' % (
               len(matrix['cases']), len(columns), _e(matrix['generated']),
               matrix['duration'], _e(matrix['command'])),
           '<table class="matrix" id="matrix"><thead><tr><th>case</th>'
           '<th>level</th>']
    for column in columns:
        title = column['label'] + ' on ' + column['runtime']
        name = _e(column['label'])
        if column['report']:
            name = '<a href="%s">%s</a>' % (_e(column['report']), name)
        out.append('<th class="peer" data-peer="%s" title="%s">%s<br>'
                   '<span class="runtime">%s</span>%s</th>' % (
                       _e(column['name']), _e(title), name,
                       _e(column['runtime']),
                       _html_header_note(column)))
    out.append('</tr></thead><tbody>')
    out += _html_totals(columns)
    out += _html_limits(columns)
    area = None
    for case in matrix['cases']:
        if case['area'] != area:
            area = case['area']
            out.append('<tr class="area"><th colspan="%d" id="area-%s">%s'
                       '</th></tr>' % (len(columns) + 2, _e(area), _e(area)))
        out.append(_html_case_row(case, columns))
    out.append('</tbody></table></body></html>\n')
    return '\n'.join(out)


def _html_header_note(column):
    """Under a column's name: why it did not run, or that its limits
    differ from its profile's."""
    if column['status'] != 'ran':
        return '<br><span class="problem">%s</span>' % _e(_state(column))
    limits = column.get('limits')
    if limits and limits['differ']:
        return ('<br><span class="limits-differ" data-limits="differ">'
                'limits differ from the profile: %s</span>' % _e(
                    limits_text(column)))
    return ''


def _html_limits(columns):
    """One row per limit: declared / measured in each column, the cells
    that differ marked."""
    rows = []
    for kind in KINDS:
        cells = []
        for c in columns:
            found = (c.get('limits') or {}).get('kinds', {}).get(kind.name)
            if found is None:
                cells.append('<td data-peer="%s" data-limit="%s">-</td>' % (
                    _e(c['name']), kind.name))
                continue
            differ = kind.name in c['limits']['differ']
            cells.append('<td data-peer="%s" data-limit="%s"%s>%s / %s</td>'
                         % (_e(c['name']), kind.name,
                            ' class="differ"' if differ else '',
                            _e(found['declared_text']),
                            _e(found['measured']['text'])))
        rows.append('<tr class="limit"><th colspan="2">%s limit<br><span '
                    'class="runtime">declared / measured</span></th>%s</tr>'
                    % (_e(kind.label), ''.join(cells)))
    return rows


def _html_totals(columns):
    rows = []
    for level in RATE_LEVELS:
        cells = ''.join(
            '<td data-peer="%s" data-rate="%s">%s</td>' % (
                _e(c['name']), level,
                rate_text(c['rates'][level]) if c['rates'] else '-')
            for c in columns)
        rows.append('<tr class="total"><th colspan="2">%s passed</th>%s'
                    '</tr>' % (level, cells))
    for verdict in VERDICTS:
        cells = ''.join(
            '<td data-peer="%s" data-count="%s">%s</td>' % (
                _e(c['name']), verdict,
                c['summary'][verdict] if c['summary'] else '-')
            for c in columns)
        rows.append('<tr class="total"><th colspan="2"><span class="badge" '
                    'style="background:%s">%s</span></th>%s</tr>' % (
                        COLOURS[verdict], verdict, cells))
    return rows


def _html_case_row(case, columns):
    cells = []
    for column in columns:
        verdict = column['verdicts'].get(case['id'])
        if verdict is None:
            cells.append('<td class="cell none" data-peer="%s">-</td>'
                         % _e(column['name']))
            continue
        cells.append(
            '<td class="cell" data-peer="%s" data-verdict="%s"><a href="%s'
            '#case-%s" style="background:%s">%s</a></td>' % (
                _e(column['name']), verdict, _e(column['report']),
                _e(case['id']), COLOURS[verdict], verdict))
    return ('<tr data-case="%s"><td class="case" title="%s">%s</td>'
            '<td>%s</td>%s</tr>' % (
                _e(case['id']), _e(case['requirement']), _e(case['id']),
                case['level'], ''.join(cells)))


_MATRIX_CSS = '''
body{max-width:none}table.matrix{width:auto;font-size:12px}
table.matrix th.peer{vertical-align:bottom;min-width:6.5em}
.runtime{font-weight:normal;color:#57606a}.problem{font-weight:normal;
color:#cf222e}td.case{font-family:ui-monospace,monospace;white-space:nowrap}
td.cell a{display:block;color:#fff;text-decoration:none;border-radius:3px;
padding:0 4px;font-weight:600;font-size:11px;text-align:center;
white-space:nowrap}
tr.area th{background:#f6f8fa;font-size:13px;padding-top:8px}
tr.total td{text-align:center;font-weight:600}td.none{color:#6e7781;
text-align:center}tr.limit td{text-align:center;font-size:11px;
white-space:nowrap}tr.limit td.differ,.limits-differ{background:#fff8c5;
color:#9a6700;font-weight:600}.limits-differ{display:block;font-size:11px}
thead th{position:sticky;top:0;background:#fff}
'''
