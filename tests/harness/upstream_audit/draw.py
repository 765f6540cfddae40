"""Draw the cells an audit reproduces, so that anyone can draw them again:
the FAIL and NON-STRICT cells of every column but the reference's in a
matrix.json, sorted by column and case id, then ``seed``'s sample::

    python tests/harness/upstream_audit/draw.py reports/matrix/matrix.json 15

prints one cell a line (column, case id, verdict) and how many there were
to draw from. Run by hand; not collected by pytest.
"""
import json
import random
import sys

SAMPLE = 30


def cells(matrix):
    """The FAIL and NON-STRICT cells outside the reference columns."""
    found = []
    for column in matrix['peers']:
        if column['reference']:
            continue
        for case_id, verdict in (column.get('verdicts') or {}).items():
            if verdict in ('FAIL', 'NON-STRICT'):
                found.append((column['name'], case_id, verdict))
    return sorted(found)


def draw(matrix, seed, size=SAMPLE):
    return sorted(random.Random(seed).sample(cells(matrix), size))


def main(argv):
    if len(argv) != 3 or not argv[2].isdigit():
        print('usage: draw.py MATRIX_JSON SEED', file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as f:
        matrix = json.load(f)
    print('%d cells to draw from; seed %s' % (len(cells(matrix)), argv[2]))
    for cell in draw(matrix, int(argv[2])):
        print('%s %s %s' % cell)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
