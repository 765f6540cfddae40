"""Profiles: loading, validation, and the errors a user sees."""
import fnmatch
import json

import pytest
from mpy_http_conformance import fixture_module

from conformance.case import all_cases
from conformance.profile import ProfileError, load_profile, profile_names
from conformance.targets import default_profile


@pytest.mark.parametrize('name', profile_names())
def test_shipped_profiles_load(name):
    profile = load_profile(name)
    assert profile.name == name and profile.read_timeout > 0


def test_unknown_profile_names_the_known_ones():
    with pytest.raises(ProfileError, match='known profiles: .*reference'):
        load_profile('no-such-profile')


@pytest.mark.parametrize('values, message', [
    ({'name': 'x', 'body_limit': 1, 'line_limit': 1}, 'missing'),
    ({'name': 'x', 'read_timeout': 1, 'field_line_limit': '1'},
     'field_line_limit must be int'),
    ({'name': 'x', 'body_limit': '1', 'line_limit': 1, 'read_timeout': 1},
     'body_limit must be int'),
    ({'name': 'x', 'body_limit': 1, 'line_limit': 1, 'read_timeout': 1,
      'colour': 'red'}, 'unknown profile fields: colour'),
    ([1, 2], 'must be a JSON object'),
])
def test_invalid_profiles_are_refused(tmp_path, values, message):
    path = tmp_path / 'bad.json'
    path.write_text(json.dumps(values))
    with pytest.raises(ProfileError, match=message):
        load_profile(str(path))


def test_broken_json_is_refused(tmp_path):
    path = tmp_path / 'broken.json'
    path.write_text('{"name": ')
    with pytest.raises(ProfileError, match='not valid JSON'):
        load_profile(str(path))


def test_features_and_replace():
    profile = load_profile('generic')
    assert not profile.supports('keep_alive')
    assert not profile.supports('max_headers')
    assert not profile.supports('max_connections')
    assert load_profile('reference').max_connections == 32
    changed = profile.replace(clock=False, read_timeout=2)
    assert not changed.supports('clock') and changed.read_timeout == 2.0
    assert profile.supports('clock')


BASE = {'name': 'x', 'body_limit': 1, 'line_limit': 1, 'read_timeout': 1}


@pytest.mark.parametrize('heap_size, message', [
    ('192K', 'heap_size must be int'),
    (True, 'heap_size must be int'),
    (196608.0, 'heap_size must be int'),
    (192, 'heap_size is in bytes and must be at least 16384, not 192'),
    (0, 'at least 16384'),
])
def test_a_bad_heap_size_is_refused(tmp_path, heap_size, message):
    path = tmp_path / 'bad.json'
    path.write_text(json.dumps(dict(BASE, heap_size=heap_size)))
    with pytest.raises(ProfileError, match=message):
        load_profile(str(path))


def test_heap_size_is_bytes_or_absent(tmp_path):
    path = tmp_path / 'sized.json'
    path.write_text(json.dumps(dict(BASE, heap_size=196608)))
    assert load_profile(str(path)).heap_size == 196608
    assert load_profile('reference').heap_size is None  # CPython
    assert load_profile('generic').heap_size is None


@pytest.mark.parametrize('name, heap_size', [
    ('esp32', 160 * 1024), ('rp2', 256 * 1024),
    ('reference-micropython', 160 * 1024)])
def test_board_sized_profiles(name, heap_size):
    profile = load_profile(name)
    assert profile.heap_size == heap_size
    # each says why that size: the 32-bit board's heap, 64-bit objects
    assert '64-bit' in profile.description and \
        '1.5-1.8' in profile.description
    if name != 'reference-micropython':
        assert 'A real board ignores heap_size' in profile.description


def test_each_board_target_has_its_own_profile():
    assert default_profile('esp32') == 'esp32'
    assert default_profile('rp2') == 'rp2'
    assert default_profile('micropython') == 'reference-micropython'
    assert 'board' not in profile_names()


def test_the_contracts_numbers_are_the_defaults(tmp_path):
    contract = fixture_module('contract_numbers')
    path = tmp_path / 'plain.json'
    path.write_text(json.dumps({'name': 'plain', 'read_timeout': 1}))
    profile = load_profile(str(path))
    assert (profile.body_limit, profile.body_buffer, profile.line_limit) == (
        contract.BODY_LIMIT, contract.BODY_BUFFER, contract.LINE_LIMIT)
    # line_limit stands for both kinds of line unless one is said
    assert profile.request_line_limit == profile.field_line_limit == \
        contract.LINE_LIMIT
    assert load_profile('reference').line_limit == contract.LINE_LIMIT


def test_each_kind_of_line_has_its_limit_or_none(tmp_path):
    path = tmp_path / 'lines.json'
    path.write_text(json.dumps(dict(BASE, line_limit=100,
                                    field_line_limit=None)))
    profile = load_profile(str(path))
    assert profile.request_line_limit == 100
    assert profile.field_line_limit is None  # declared: no such limit
    assert not profile.supports('field_line_limit')
    # a line that must be accepted: the declared limit, else the contract's
    assert profile.line_at_limit('request_line_limit') == 100
    assert profile.line_at_limit('field_line_limit') == \
        fixture_module('contract_numbers').LINE_LIMIT
    again = profile.replace(read_timeout=2)  # a copy keeps "none"
    assert again.field_line_limit is None and again.request_line_limit == 100


@pytest.mark.parametrize('entries', [
    [{'cases': 'CONTRACT-*', 'why': 'w'}], [{'cases': [], 'why': 'w'}],
    [{'cases': ['CONTRACT-*']}], [{'cases': ['CONTRACT-*'], 'why': ''}],
    [{'cases': [''], 'why': 'w'}], ['CONTRACT-*']])
def test_malformed_unsupported_cases_are_refused(tmp_path, entries):
    path = tmp_path / 'bad.json'
    path.write_text(json.dumps(dict(BASE, unsupported_cases=entries)))
    with pytest.raises(ProfileError, match='unsupported_cases'):
        load_profile(str(path))


def test_cases_set_aside_by_pattern(tmp_path):
    path = tmp_path / 'aside.json'
    path.write_text(json.dumps(dict(BASE, unsupported_cases=[
        {'cases': ['RFC9112-6.3-cl-*', 'CONTRACT-413-chunked'],
         'why': 'the adapter reads bodies'}])))
    profile = load_profile(str(path))
    assert profile.unsupported_case('RFC9112-6.3-cl-plus') == \
        'the adapter reads bodies'
    assert profile.unsupported_case('CONTRACT-413-chunked')
    assert profile.unsupported_case('CONTRACT-413-content-length') is None


@pytest.mark.parametrize('name', profile_names())
def test_every_pattern_a_profile_sets_aside_names_cases(name):
    ids = [c.id for c in all_cases()]
    for entry in load_profile(name).unsupported_cases:
        for pattern in entry['cases']:
            assert fnmatch.filter(ids, pattern), (name, pattern)
