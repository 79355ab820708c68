"""CSRF tokens are bound to one log-in and expire."""

from sidecar.csrf import MAX_AGE, make_token, token_is_valid

KEY = "c" * 40
NOW = 1_800_000_000


def test_token_is_valid_for_its_binding_only():
    token = make_token(KEY, "account|1|2|5|sess", NOW)
    assert token_is_valid(KEY, "account|1|2|5|sess", token, NOW + 10)
    assert not token_is_valid(KEY, "account|1|2|6|sess", token, NOW + 10)
    assert not token_is_valid(KEY, "account|1|2|5|other-session", token, NOW + 10)
    assert not token_is_valid("d" * 40, "account|1|2|5|sess", token, NOW + 10)


def test_token_expires_and_garbage_is_refused():
    token = make_token(KEY, "b", NOW)
    assert not token_is_valid(KEY, "b", token, NOW + MAX_AGE + 1)
    for garbage in ["", ".", "abc.def", f"{NOW}.", None]:
        assert not token_is_valid(KEY, "b", garbage, NOW)
