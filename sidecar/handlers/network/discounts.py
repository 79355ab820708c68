"""Network Admin → Sidecar → Discount codes."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import redirect, request, url_for

from ...auth import current_actor
from ...context import get_db
from ...domain import discounts
from ...domain.money import CURRENCIES
from ...errors import Invalid
from ...schemas.discounts import (
    DISCOUNT_CODE_FORM,
    code_form_values,
    discount_label,
    new_code_values,
)
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint

REFUSED = 400


@blueprint.get("/discount-codes")
def discount_codes():
    """Every code with its discount, uses, validity and status."""
    return render_fragment(
        "network/discounts.html",
        codes=discounts.list_codes(get_db()),
        now=_now(),
        done=request.args.get("done", ""),
        discount_label=discount_label,
    )


@blueprint.get("/discount-codes/new")
def new_discount_code():
    """An empty form for a new code."""
    return _form_page(None, new_code_values())


@blueprint.post("/discount-codes")
def create_discount_code():
    """Create a code from the form, or show the form again with what to correct."""
    try:
        discounts.create_code(get_db(), load_form(DISCOUNT_CODE_FORM), current_actor())
    except Invalid as refused:
        return _form_page(None, _posted(), refused.errors)
    return redirect(url_for("network.discount_codes", done="created"), code=303)


@blueprint.get("/discount-codes/<int:code_id>")
def edit_discount_code(code_id: int):
    """The form of an existing code."""
    code = discounts.get_code(get_db(), code_id)
    return _form_page(code, code_form_values(code))


@blueprint.post("/discount-codes/<int:code_id>")
def update_discount_code(code_id: int):
    """Save the edited code, or show the form again with what to correct."""
    try:
        data = {**load_form(DISCOUNT_CODE_FORM), "id": code_id}
        discounts.update_code(get_db(), data, current_actor())
    except Invalid as refused:
        return _form_page(discounts.get_code(get_db(), code_id), _posted(), refused.errors)
    return redirect(url_for("network.discount_codes", done="updated"), code=303)


@blueprint.post("/discount-codes/<int:code_id>/deactivate")
def deactivate_discount_code(code_id: int):
    """Switch a code off."""
    discounts.deactivate_code(get_db(), code_id, current_actor())
    return redirect(url_for("network.discount_codes", done="deactivated"), code=303)


@blueprint.post("/discount-codes/<int:code_id>/activate")
def activate_discount_code(code_id: int):
    """Switch a code back on."""
    discounts.activate_code(get_db(), code_id, current_actor())
    return redirect(url_for("network.discount_codes", done="activated"), code=303)


def _form_page(code, values: dict, errors: dict | None = None):
    return render_fragment(
        "network/discounts_form.html",
        status=REFUSED if errors else 200,
        code=code,
        values=values,
        errors=errors or {},
        currencies=CURRENCIES,
    )


def _posted() -> dict:
    """The form as the person filled it in (to show it again)."""
    return {key: value for key, value in request.form.items() if key != "csrf_token"}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
