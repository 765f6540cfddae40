"""The run's reports: JUnit XML, JSON and a self-contained HTML page.

``write_reports(directory, run)`` writes ``junit.xml``, ``results.json`` and
``index.html``; ``summary_table(run)`` is the text printed last. ``run`` is a
dict: target (its description), profile, strict, started, duration, results
(``Result`` objects) and, when the run knows them, selection (how many cases
of how many, and the filters), start_error (why the target did not start:
the reports then say so instead of keeping an earlier run's) and replay (a
command per case id).
"""
import html
import json
import os
import xml.etree.ElementTree as ET

from conformance.exchanges import NEEDS_CONTRACT, NEEDS_PROFILE
from conformance.verdicts import (BLOCKED, ERROR, FAIL, INFO, NON_STRICT,
                                  PASS, UNSUPPORTED, VERDICTS, fails_run)

COLOURS = {PASS: '#1a7f37', FAIL: '#cf222e', NON_STRICT: '#bf8700',
           INFO: '#0969da', BLOCKED: '#953800', UNSUPPORTED: '#6e7781',
           ERROR: '#8250df'}
ATTENTION = (FAIL, ERROR, NON_STRICT)  # listed first, in this order


def counts(results):
    tally = {v: 0 for v in VERDICTS}
    for r in results:
        tally[r.verdict] += 1
    return tally


def run_failed(run):
    """True when the run must exit non-zero: a target that did not start,
    or any verdict that fails a run (``verdicts.fails_run``)."""
    return bool(run.get('start_error')) or any(
        fails_run(r.verdict, run['strict']) for r in run['results'])


def judged_line(run):
    """How many cases were judged, and how many set aside and why."""
    results = [r for r in run['results'] if not r.case.is_rule]
    aside = [r for r in results if r.verdict == UNSUPPORTED]
    blocked = [r for r in results if r.verdict == BLOCKED]
    judged = len(results) - len(aside) - len(blocked)
    parts = ['judged %d of %d cases' % (judged, len(results))]
    if aside:
        why = [sum(r.observed.startswith(reason) for r in aside)
               for reason in (NEEDS_CONTRACT, NEEDS_PROFILE)]
        parts.append('set aside %d (%s)' % (len(aside), ', '.join(
            '%d %s' % (n, reason) for n, reason in (
                (why[0], NEEDS_CONTRACT), (why[1], NEEDS_PROFILE),
                (len(aside) - sum(why), 'not offered by the profile'))
            if n)))
    if blocked:
        parts.append('blocked %d (another case judges what they stand on)'
                     % len(blocked))
    return '; '.join(parts)


def write_reports(directory, run):
    return write_files(directory, run, (('results.json', _json),
                                        ('junit.xml', _junit),
                                        ('index.html', _html)))


def write_files(directory, data, writers):
    """Write ``writer(data)`` into ``directory/name`` for each (name,
    writer); returns the paths by name."""
    os.makedirs(directory, exist_ok=True)
    paths = {}
    for name, writer in writers:
        paths[name] = os.path.join(directory, name)
        with open(paths[name], 'w', encoding='utf-8') as f:
            f.write(writer(data))
    return paths


def _json(run):
    replay = run.get('replay') or {}
    cases = []
    for r in run['results']:
        entry = r.as_dict()
        if r.case.id in replay:
            entry['replay'] = replay[r.case.id]
        cases.append(entry)
    return json.dumps({
        'target': run['target'],
        'profile': run['profile'],
        'strict': run['strict'],
        'started': run['started'],
        'duration': round(run['duration'], 3),
        'selection': run.get('selection'),
        'start_error': run.get('start_error'),
        'summary': counts(run['results']),
        'cases': cases,
    }, indent=2, ensure_ascii=False) + '\n'


def _junit(run):
    results = run['results']
    tally = counts(results)
    start_error = run.get('start_error')
    suite = ET.Element('testsuite', {
        'name': 'conformance.%s' % run['target']['target'],
        'tests': str(len(results) + bool(start_error)),
        'failures': str(tally[FAIL] + (tally[NON_STRICT] if run['strict']
                                       else 0)),
        'errors': str(tally[ERROR] + bool(start_error)),
        'skipped': str(tally[UNSUPPORTED] + tally[BLOCKED]),
        'time': '%.3f' % run['duration'],
        'timestamp': run['started'],
    })
    if start_error:
        item = ET.SubElement(suite, 'testcase', {
            'classname': 'conformance', 'name': 'target-start', 'time': '0'})
        ET.SubElement(item, 'error', {'message': start_error})
    for r in results:
        item = ET.SubElement(suite, 'testcase', {
            'classname': 'conformance.%s' % r.case.area, 'name': r.case.id,
            'time': '%.3f' % r.duration})
        props = ET.SubElement(item, 'properties')
        for name, value in (('id', r.case.id), ('level', r.case.level),
                            ('rfc', r.case.rfc), ('verdict', r.verdict),
                            ('requirement', r.case.requirement)):
            ET.SubElement(props, 'property', {'name': name, 'value': value})
        message = 'expected %s; observed %s' % (r.expected, r.observed)
        if fails_run(r.verdict, run['strict']) and r.verdict != ERROR:
            ET.SubElement(item, 'failure', {'message': message,
                                            'type': r.verdict}).text = \
                _evidence_text(r)
        elif r.verdict == ERROR:
            ET.SubElement(item, 'error', {'message': r.observed}).text = \
                r.detail or _evidence_text(r)
        elif r.verdict in (UNSUPPORTED, BLOCKED):
            ET.SubElement(item, 'skipped', {'message': '%s: %s' % (
                r.verdict, r.observed)})
        else:
            ET.SubElement(item, 'system-out').text = _evidence_text(r)
    ET.indent(suite)
    return ET.tostring(suite, encoding='unicode', xml_declaration=True) + '\n'


def _evidence_text(result):
    parts = []
    for i, item in enumerate(result.evidence, 1):
        parts.append('--- exchange %d: %s\n>>> request\n%s\n<<< response '
                     'head\n%s%s' % (i, _note(item), item['request'],
                                     item['response_head'],
                                     '\n<<< response body\n' +
                                     item['response_body']
                                     if item.get('response_body') else ''))
    return '\n'.join(parts)


def summary_table(run):
    """Verdict counts per area, then the cases that failed, as text."""
    results = run['results']
    areas = []
    for r in results:
        if r.case.area not in areas:
            areas.append(r.case.area)
    shown = [v for v in VERDICTS if counts(results)[v]] or [PASS]
    width = max([len(a) for a in areas] + [5])
    lines = ['%-*s %s' % (width, 'area', ' '.join('%11s' % v for v in shown))]
    for area in areas + ['total']:
        tally = counts([r for r in results
                        if area == 'total' or r.case.area == area])
        lines.append('%-*s %s' % (width, area, ' '.join(
            '%11d' % tally[v] for v in shown)))
    bad = [r for r in results if r.verdict in ATTENTION]
    if bad:
        lines.append('')
        for r in bad:
            lines.append('%-11s %s (%s) %s' % (
                r.verdict, r.case.id, r.case.level,
                (r.observed.splitlines() or [''])[0][:100]))
    return '\n'.join(lines)


def _html(run):
    results = run['results']
    tally = counts(results)
    target = run['target']
    out = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width">',
           '<title>Conformance report: %s</title>' % _e(target['target']),
           '<style>%s</style></head><body>' % CSS,
           '<h1>HTTP conformance: %s</h1>' % _e(target['target']),
           '<p class="meta">%s &middot; profile %s &middot; started %s '
           '&middot; %.1f s%s</p>' % (
               _e(target.get('base_url', '')), _e(run['profile']['name']),
               _e(run['started']), run['duration'],
               ' &middot; strict' if run['strict'] else '')]
    if run.get('start_error'):
        out.append('<p class="alarm" id="start-error">The run did not start:'
                   ' %s</p>' % _e(run['start_error']))
    selection = run.get('selection') or {}
    if selection.get('partial'):
        out.append('<p class="partial" id="partial">Partial run: %d of %d '
                   'cases%s.</p>' % (selection['selected'], selection['of'],
                                     ' (%s)' % _e(selection['filters'])
                                     if selection.get('filters') else ''))
    out.append('<p class="summary">')
    for verdict in VERDICTS:
        out.append('<span class="badge" style="background:%s">%s %d</span>'
                   % (COLOURS[verdict], verdict, tally[verdict]))
    out.append('</p>')
    out.append('<p class="judged">%s</p>' % _e(judged_line(run)))
    out.append(_html_attention(results, run.get('replay') or {}))
    areas = []
    for r in results:
        if r.case.area not in areas:
            areas.append(r.case.area)
    for area in areas:
        out.append('<h2>%s</h2><table><tr><th>verdict</th><th>case</th>'
                   '<th>level</th><th>RFC</th><th>requirement</th></tr>'
                   % _e(area))
        for r in results:
            if r.case.area == area:
                out.append(_html_row(r, run.get('replay') or {}))
        out.append('</table>')
    out.append('<h2>profile</h2><pre>%s</pre>' % _e(json.dumps(
        run['profile'], indent=2)))
    out.append('<h2>target</h2><pre>%s</pre></body></html>\n' % _e(
        json.dumps(target, indent=2)))
    return '\n'.join(out)


def _html_attention(results, replay):
    """The cases to look at first, each linked to its row."""
    bad = sorted((r for r in results if r.verdict in ATTENTION),
                 key=lambda r: ATTENTION.index(r.verdict))
    if not bad:
        return ''
    items = ''.join(
        '<li><span class="badge" style="background:%s">%s</span> '
        '<a href="#%s">%s</a> (%s, %s): %s%s</li>' % (
            COLOURS[r.verdict], r.verdict, _anchor(r), _e(r.case.id),
            r.case.level, _e(r.case.rfc), _e(_first_line(r.observed)),
            '<br><code>%s</code>' % _e(replay[r.case.id])
            if r.case.id in replay else '')
        for r in bad)
    return ('<h2 id="attention">To look at first</h2><ul class="attention">'
            '%s</ul>' % items)


def _html_row(r, replay):
    evidence = ''.join(
        '<p class="note">exchange %d: %s</p><pre class="req">%s</pre>'
        '<pre class="res">%s</pre>%s' % (
            i, _e(_note(item)), _e(item['request']),
            _e(item['response_head']),
            '<pre class="body">%s</pre>' % _e(item['response_body'])
            if item.get('response_body') else '')
        for i, item in enumerate(r.evidence, 1))
    command = replay.get(r.case.id)
    return ('<tr id="%s"><td><span class="badge" style="background:%s">%s'
            '</span></td><td><details%s><summary>%s</summary>'
            '<p><b>expected</b> %s</p><p><b>observed</b> %s</p>%s%s%s%s'
            '</details></td><td>%s</td><td>%s</td><td>%s</td></tr>') % (
        _anchor(r), COLOURS[r.verdict], r.verdict,
        ' open' if r.verdict in ATTENTION else '', _e(r.case.id),
        _e(r.expected), _e(r.observed),
        '<p><b>blocked by</b> <a href="#case-%s">%s</a></p>' % (
            _e(r.blocked_by), _e(r.blocked_by)) if r.blocked_by else '',
        '<p><b>replay</b> <code>%s</code></p>' % _e(command) if command
        else '', evidence,
        '<pre>%s</pre>' % _e(r.detail) if r.detail else '',
        r.case.level, _e(r.case.rfc), _e(r.case.requirement))


def _note(item):
    note = item.get('note', '')
    if item.get('close'):
        note += '; connection: %s' % item['close']
    return note


def _anchor(result):
    return 'case-' + result.case.id


def _first_line(text):
    return (text.splitlines() or [''])[0][:200]


def _e(text):
    return html.escape(str(text))


CSS = '''
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1f2328;
max-width:80rem}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
.meta{color:#57606a}.badge{color:#fff;border-radius:4px;padding:1px 7px;
margin-right:6px;font-weight:600;font-size:12px;white-space:nowrap}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid
#d0d7de;padding:4px 6px;text-align:left;vertical-align:top}
summary{cursor:pointer;font-family:ui-monospace,monospace}
pre{background:#f6f8fa;padding:6px;white-space:pre-wrap;overflow-wrap:anywhere;
max-width:100ch;margin:4px 0}code{font-family:ui-monospace,monospace}
.alarm{background:#ffebe9;border:1px solid #cf222e;padding:8px;font-weight:600}
.partial{background:#fff8c5;border:1px solid #bf8700;padding:8px}
ul.attention li{margin:6px 0}tr:target{background:#fff8c5}
pre.res{border-left:3px solid #0969da}
pre.req{border-left:3px solid #1a7f37}pre.body{border-left:3px solid #8c959f}
.note{color:#57606a;margin:6px 0 0}
'''
