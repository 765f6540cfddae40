"""Profiles: loading, validation, and the errors a user sees."""
import json

import pytest

from conformance.profile import ProfileError, load_profile, profile_names


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
