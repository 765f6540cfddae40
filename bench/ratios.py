"""The reference against named baselines measured in the same run.

    ratios(results)   # -> [{'measure': 'requests/s', 'interpreter': ...,
                      #      'scenario': ..., 'baseline': 'microdot-1.3.4',
                      #      'reference': 2345.6, 'baseline_value': ...,
                      #      'ratio': 0.87}, ...]

Throughput: on MicroPython against microdot 1.3.4 (the API it replaces),
on CPython against microdot 2.7, and on both against the bare asyncio loop
(the floor). Heap: on MicroPython against microdot 1.3.4. A ratio is the
reference's figure over the baseline's: above 1 is more requests per second,
or more latency or heap.
"""
from bench.servers import MICRODOT_1, MICRODOT_2
from bench.throughput import SCENARIOS, scenario_name

THROUGHPUT_BASELINES = [('micropython', MICRODOT_1), ('cpython', MICRODOT_2),
                        ('micropython', 'bare'), ('cpython', 'bare')]


def ratios(results):
    found = []
    for interpreter, baseline in THROUGHPUT_BASELINES:
        for keep_alive, connections in SCENARIOS:
            pair = [_throughput(results, name, interpreter, keep_alive,
                                connections)
                    for name in ('reference', baseline)]
            if None in pair:
                continue
            scenario = scenario_name(keep_alive, connections)
            found.append(_ratio('requests/s', interpreter, scenario,
                                baseline, pair[0]['requests_per_s'],
                                pair[1]['requests_per_s']))
            found.append(_ratio('p99 latency ms', interpreter, scenario,
                                baseline, pair[0]['latency_ms']['p99'],
                                pair[1]['latency_ms']['p99']))
    for app, name in (('two_route', ''), ('fixture', 'fixture app ')):
        heap = {(r['implementation'], r['form']): r
                for r in results.get('heap', {}).get(app, [])}
        for (implementation, form), row in sorted(heap.items()):
            base = heap.get((MICRODOT_1, form))
            if implementation != 'reference' or base is None:
                continue
            for measure in ('defined', 'serving'):
                found.append(_ratio('heap %s%s (%s)' % (name, measure, form),
                                    'micropython', '', MICRODOT_1,
                                    row[measure], base[measure]))
    smallest = {r['implementation']: r['heap_size']
                for r in results.get('min_heap', [])}
    if smallest.get('reference') and smallest.get(MICRODOT_1):
        found.append(_ratio('smallest heap serving the suite', 'micropython',
                            '', MICRODOT_1, smallest['reference'],
                            smallest[MICRODOT_1]))
    return found


def _throughput(results, implementation, interpreter, keep_alive,
                connections):
    for row in results.get('throughput', []):
        if (row['implementation'], row['interpreter'], row['keep_alive'],
                row['connections']) == (implementation, interpreter,
                                        keep_alive, connections):
            return row
    return None


def _ratio(measure, interpreter, scenario, baseline, value, baseline_value):
    return {'measure': measure, 'interpreter': interpreter,
            'scenario': scenario, 'baseline': baseline, 'reference': value,
            'baseline_value': baseline_value,
            'ratio': round(value / baseline_value, 3) if baseline_value
            else None}


def print_ratios(found):
    """Tables of the throughput ratios, then one line per other ratio."""
    scenarios = [scenario_name(*s) for s in SCENARIOS]
    for measure in ('requests/s', 'p99 latency ms'):
        mine = [r for r in found if r['measure'] == measure]
        if not mine:
            continue
        print('%s, reference / named baseline (each cell: ratio, reference'
              ', baseline)' % measure)
        print('%-12s %-15s' % ('interpreter', 'baseline') +
              ''.join('%26s' % name for name in scenarios))
        pairs = []
        for r in mine:
            if (r['interpreter'], r['baseline']) not in pairs:
                pairs.append((r['interpreter'], r['baseline']))
        for interpreter, baseline in pairs:
            cells = {r['scenario']: r for r in mine
                     if (r['interpreter'], r['baseline']) ==
                     (interpreter, baseline)}
            print('%-12s %-15s' % (interpreter, baseline) + ''.join(
                '%26s' % _cell(cells.get(name)) for name in scenarios))
        print()
    for r in found:
        if not r['scenario']:
            print('%s, reference / %s (%s): %s / %s = %s' % (
                r['measure'], r['baseline'], r['interpreter'],
                _number(r['reference']), _number(r['baseline_value']),
                _ratio_text(r)))


def _cell(r):
    if r is None:
        return '-'
    return '%s (%s, %s)' % (_ratio_text(r), _number(r['reference']),
                            _number(r['baseline_value']))


def _ratio_text(r):
    if r['ratio'] is None:
        return '-'
    return ('%.2f' if r['ratio'] >= 0.05 else '%.3f') % r['ratio']


def _number(value):
    return '{:,.0f}'.format(value) if value >= 100 else '{:.2f}'.format(value)
