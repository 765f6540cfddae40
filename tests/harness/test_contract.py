"""The contract's own rules and the cases that hold servers to them."""
import re

from conformance.case import all_cases
from mpy_http_conformance import fixture_path

with open(fixture_path('CONTRACT.md'), encoding='utf-8') as f:
    CONTRACT = f.read()
CONTRACT_CASES = [c for c in all_cases() if c.id.startswith('CONTRACT-')]


def test_every_contract_case_is_named_in_the_contract():
    missing = [c.id for c in CONTRACT_CASES if c.id not in CONTRACT]
    assert not missing


def test_contract_cases_cite_the_contract():
    assert CONTRACT_CASES
    assert all('fixtures/CONTRACT.md' in c.rfc for c in CONTRACT_CASES)


def test_every_case_the_contract_names_exists():
    named = set(re.findall(r'`(CONTRACT-[a-z0-9-]+)`', CONTRACT))
    assert named == {c.id for c in CONTRACT_CASES}


def test_other_cases_are_named_after_their_rfc():
    for c in all_cases():
        if not c.id.startswith('CONTRACT-'):
            prefix = c.id.split('-', 2)[:2]
            assert prefix[0] in c.rfc.replace(' ', '') and prefix[1] in c.rfc, c
