"""Account → Change Password: the rules for a new password and their messages."""

import pytest

from sidecar.domain.passwords import PasswordChange, new_password_problems
from sidecar.wp_bridge.tables.users import User

USER = User(7, "carol", "carol@example.test", "Carol", None)


def problems(new, again=None, min_length=10):
    change = PasswordChange("old password", new, new if again is None else again)
    return new_password_problems(change, USER, min_length)


def test_a_good_password_passes():
    assert problems("a long and fine password") == {}


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("", "Enter a new password."),
        ("short", "Use at least 10 characters."),
        ("carol", "cannot be your username"),
        ("CAROL@example.test", "cannot be your username or your email address"),
        (" leading space password", "cannot start or end with a space"),
        ("back\\slash password", "cannot contain backslashes"),
        ("tab\tinside password", "control characters"),
        ("é" * 2049, "at most 4096 bytes"),
    ],
)
def test_broken_rules_name_the_new_password_field(new, message):
    found = problems(new)
    assert any(message in text for text in found["new_password"])


def test_the_minimum_length_comes_from_the_settings():
    assert problems("twelve chars", min_length=12) == {}
    assert problems("eleven char", min_length=12)["new_password"] == ["Use at least 12 characters."]


def test_the_confirmation_must_match():
    assert problems("a long and fine password", "a long and fine passwort") == {
        "new_password_again": ["The two new passwords do not match."]
    }
