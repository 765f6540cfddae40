"""Profiles: loading, validation, and the errors a user sees."""
import json

import pytest

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
    ('esp32', 192 * 1024), ('rp2', 256 * 1024),
    ('reference-micropython', 224 * 1024)])
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
