"""The limit overrides form on Network Admin → Memberships → one membership.

Inputs are named ``membership:<limit key>`` and ``site:<limit key>``; a blank input means no
override, a whole number replaces plan + packages (0 = unlimited). ``new_key`` with
``new_membership`` / ``new_site`` adds an override for a key not listed (a post type or role).
"""

from __future__ import annotations

from flask_babel import gettext
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load

from ..domain.limit_types import key_problem

SCOPES = ("membership", "site")


class OverridesForm(Schema):
    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(load_default=None)
    membership = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))
    site = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))

    @pre_load
    def _gather(self, data, **kwargs):
        values: dict = {scope: {} for scope in SCOPES}
        problems: dict = {}
        for name, text in data.items():
            scope, _, key = name.partition(":")
            if scope in SCOPES and key:
                _put(values, problems, scope, key, text)
        new_key = str(data.get("new_key") or "").strip()
        if new_key:
            for scope in SCOPES:
                _put(values, problems, scope, new_key, data.get(f"new_{scope}", ""))
        if problems:
            raise ValidationError(problems)
        return values


def _put(values: dict, problems: dict, scope: str, key: str, text) -> None:
    text = str(text or "").strip().replace(",", "").replace("_", "")
    if not text:
        return
    message = key_problem(key)
    if message is None and not (text.isdigit() and len(text) < 19):
        message = gettext("Enter a whole number, 0 or more (0 = unlimited), or leave it empty.")
    if message:
        problems[f"{scope}:{key}"] = [message]
    else:
        values[scope][key] = int(text)


OVERRIDES_FORM = OverridesForm()
