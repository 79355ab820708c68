"""Network Admin → Sidecar → Customers: the grid (search, filters, columns, sort, paging,
saved views, inline edit), exports, mass actions, customer groups and the customer page.

The grid's state lives in the query string. The filter, column and view forms POST (with the
CSRF token) and are redirected to the grid's address, because a GET form would lose the
proxy's ``page``/``sc`` parameters in wp-admin.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import Response, g, redirect, request
from marshmallow import ValidationError

from ...auth import current_actor
from ...context import get_db, get_wp, settings
from ...domain import customer_edit, customer_groups, customer_mass, customer_pages
from ...domain.clock import utcnow
from ...domain.customer_columns import BY_KEY, COLUMNS, display, select_options
from ...domain.customer_export import chunks, spooled_export
from ...domain.customer_grid import (
    COUNT_CAP,
    PER_PAGE,
    GridPage,
    GridState,
    grid_page,
    has_state,
    parse_state,
)
from ...errors import Invalid, NotFound
from ...schemas.billing_address import COUNTRIES
from ...schemas.customers import CHECKBOXES, CUSTOMER_FORM, GROUP_FORM, MASS_ACTION_FORM, VIEW_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint

REFUSED = 400


def _admin_id() -> int:
    return int(g.viewer.user.id)


def _current_state() -> tuple[GridState, dict | None]:
    """The grid state asked for: a saved view (``view``), the query string, or the admin's
    default view when the query string says nothing."""
    db = get_db()
    view_id = request.args.get("view", type=int)
    if view_id is not None or not has_state(request.args):
        found = customer_groups.view_state(db, _admin_id(), view_id)
        if found is not None:
            state, view = found
            state.page = max(1, request.args.get("page", 1, type=int) or 1)
            return state, view
    return parse_state(request.args), None


@blueprint.get("/customers")
def customers():
    """The customers grid."""
    state, view = _current_state()
    return _grid(state, view=view, edit_id=request.args.get("edit", type=int))


def _grid(state, *, view=None, edit_id=None, errors=None, posted=None, status=200):
    db = get_db()
    filter_errors = {}
    try:
        page = grid_page(db, state)
    except Invalid as refused:
        filter_errors = refused.errors
        page = GridPage(state, [], 0, False)
    groups = customer_groups.group_choices(db)
    return render_fragment(
        "network/customers.html",
        status=REFUSED if (errors or filter_errors) else status,
        page=page,
        state=state,
        columns=COLUMNS,
        by_key=BY_KEY,
        options=lambda key: select_options(key, groups, COUNTRIES),
        groups=groups,
        views=customer_groups.list_views(db, _admin_id()),
        view=view,
        edit_id=edit_id,
        edit_sites=_sites_of(edit_id),
        errors=errors or {},
        filter_errors=filter_errors,
        posted=posted or {},
        per_page_choices=PER_PAGE,
        default_qs=GridState().query_string(),
        display=display,
        count_cap=COUNT_CAP,
        done=request.args.get("done", ""),
        changed=request.args.get("changed", type=int),
    )


def _sites_of(customer_id: int | None) -> list:
    if customer_id is None:
        return []
    try:
        return customer_pages.customer_sites(get_wp(), customer_id)
    except NotFound:
        return []


def _back(state: GridState, **extra) -> Response:
    query = state.query_string()
    if extra:
        query += "&" + urlencode(extra)
    return redirect(f"/network/customers?{query}", code=303)


def _posted_state() -> GridState:
    """The grid state a form carried in its hidden ``state`` field (a query string)."""
    return parse_state(dict(parse_qsl(request.form.get("state", ""))))


@blueprint.post("/customers/filter")
def filter_customers():
    """Apply the search and filter form: back to the grid's address with the new state."""
    state = _posted_state()
    form = {key: value for key, value in request.form.items() if key not in ("state", "csrf_token")}
    fresh = parse_state(
        {
            **form,
            "cols": ",".join(state.columns),
            "sort": state.sort,
            "dir": "desc" if state.descending else "asc",
            "per_page": form.get("per_page", state.per_page),
        }
    )
    if "reset" in request.form:
        fresh = GridState(columns=state.columns)
    return _back(fresh)


@blueprint.post("/customers/columns")
def choose_columns():
    """Apply the column chooser: the ticked columns, ordered by their position numbers."""
    state = _posted_state()
    if "reset" in request.form:
        state.columns = GridState().columns
        return _back(state)
    chosen = []
    for index, column in enumerate(COLUMNS):
        if request.form.get(f"show.{column.key}"):
            position = request.form.get(f"pos.{column.key}", type=int)
            chosen.append((position if position is not None else 1000 + index, index, column.key))
    if chosen:
        state.columns = [key for _, _, key in sorted(chosen)]
    state.page = 1
    return _back(state)


@blueprint.post("/customers/views")
def save_view():
    """Save the current grid state as a named view of this admin."""
    state = _posted_state()
    form = load_form(VIEW_FORM)
    try:
        view_id = customer_groups.save_view(
            get_db(), _admin_id(), form["view_name"], state, form["default"]
        )
    except Invalid as refused:
        return _grid(state, errors=refused.errors)
    return redirect(f"/network/customers?view={view_id}&done=view_saved", code=303)


@blueprint.post("/customers/views/<int:view_id>/default")
def default_view(view_id: int):
    """Make a saved view the one the grid opens with."""
    customer_groups.make_default(get_db(), _admin_id(), view_id)
    return redirect(f"/network/customers?view={view_id}&done=view_default", code=303)


@blueprint.post("/customers/views/<int:view_id>/delete")
def delete_view(view_id: int):
    """Delete a saved view."""
    customer_groups.delete_view(get_db(), _admin_id(), view_id)
    return _back(_posted_state(), done="view_deleted")


@blueprint.post("/customers/<int:customer_id>/inline")
def inline_edit(customer_id: int):
    """Save the inline-edited cells of one row, or show the row again with the refusal on the
    cell; nothing is written when anything is refused."""
    state = _posted_state()
    posted = {key: request.form[key] for key in customer_edit.INLINE_FIELDS if key in request.form}
    try:
        data = CUSTOMER_FORM.load(posted)
    except ValidationError as error:
        return _grid(state, edit_id=customer_id, errors=error.messages, posted=posted)
    try:
        customer_edit.update_customer(get_wp(), customer_id, data, current_actor())
    except Invalid as refused:
        return _grid(state, edit_id=customer_id, errors=refused.errors, posted=posted)
    return _back(state, done="saved")


def _selection(form: dict, state: GridState) -> customer_mass.Selection:
    ids = None if form["all_matching"] else [int(i) for i in form["ids"]]
    return customer_mass.Selection(state, ids)


@blueprint.post("/customers/mass")
def mass_action():
    """A mass action: first a confirmation page, then (``confirmed``) the action itself."""
    state = _posted_state()
    form = load_form(MASS_ACTION_FORM)
    selection = _selection(form, state)
    try:
        plan = customer_mass.plan(get_db(), selection, form["action"], form["group_id"])
    except Invalid as refused:
        return _grid(state, errors=refused.errors)
    if not form["confirmed"]:
        return render_fragment(
            "network/customers_confirm.html",
            form=form,
            count=plan.count,
            rows=plan.rows,
            blocked=plan.blocked,
            group=plan.group,
            state=state,
        )
    result = customer_mass.run(
        get_wp(), selection, form["action"], form["group_id"], current_actor()
    )
    if result.refused:
        return render_fragment("network/customers_result.html", result=result, state=state)
    return _back(state, done=f"mass_{form['action']}", changed=result.changed)


@blueprint.route("/customers/export", methods=["GET", "POST"])
def export_customers():
    """Download the matching customers (POST: the ticked ones) with the visible columns as
    CSV, XLSX or Excel 2003 XML, streamed."""
    if request.method == "POST":
        state = _posted_state()
        ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
        ids = None if request.form.get("all_matching") else ids
        fmt = request.form.get("format", "csv")
    else:
        state, _view = _current_state()
        ids, fmt = None, request.args.get("format", "csv")
    try:
        made = spooled_export(settings().database, state, fmt, ids=ids, now=utcnow())
    except Invalid as refused:
        return _grid(state, errors=refused.errors)
    return Response(
        chunks(made.file),
        content_type=made.mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{made.filename}"',
            "Content-Length": str(made.size),
            "Cache-Control": "no-store",
        },
    )


# --- groups ---------------------------------------------------------------------------------


@blueprint.get("/customers/groups")
def groups_page():
    """Customer groups with their numbers of customers, and the birth-date setting."""
    return _groups(done=request.args.get("done", ""))


def _groups(errors=None, done="", status=200):
    db = get_db()
    return render_fragment(
        "network/customers_groups.html",
        status=REFUSED if errors else status,
        groups=customer_groups.list_groups(db),
        default_id=customer_groups.DEFAULT_GROUP_ID,
        full_birth_dates=customer_edit.full_birth_dates(db),
        errors=errors or {},
        done=done,
    )


@blueprint.post("/customers/groups")
def create_group():
    """Create a customer group."""
    try:
        customer_groups.create_group(get_db(), load_form(GROUP_FORM)["name"], current_actor())
    except Invalid as refused:
        return _groups(refused.errors)
    return redirect("/network/customers/groups?done=created", code=303)


@blueprint.post("/customers/groups/<int:group_id>")
def rename_group(group_id: int):
    """Rename a customer group."""
    try:
        customer_groups.rename_group(
            get_db(), group_id, load_form(GROUP_FORM)["name"], current_actor()
        )
    except Invalid as refused:
        return _groups(refused.errors)
    return redirect("/network/customers/groups?done=renamed", code=303)


@blueprint.post("/customers/groups/<int:group_id>/delete")
def delete_group(group_id: int):
    """Delete a customer group; its customers move to the default group."""
    try:
        customer_groups.delete_group(get_db(), group_id, current_actor())
    except Invalid as refused:
        return _groups(refused.errors)
    return redirect("/network/customers/groups?done=deleted", code=303)


@blueprint.post("/customers/settings")
def customer_settings():
    """Switch full birth dates on or off."""
    enabled = request.form.get("full_birth_dates") == "1"
    customer_edit.set_full_birth_dates(get_db(), enabled, current_actor())
    return redirect("/network/customers/groups?done=settings", code=303)


# --- the customer page ----------------------------------------------------------------------


@blueprint.get("/customers/<int:customer_id>")
def customer(customer_id: int):
    """One customer: every field editable, with memberships, sites, invoices and events."""
    return _customer_page(customer_id, done=request.args.get("done", ""))


def _customer_page(customer_id: int, errors=None, posted=None, done=""):
    wp = get_wp()
    return render_fragment(
        "network/customers_view.html",
        status=REFUSED if errors else 200,
        detail=customer_pages.customer_detail(wp, customer_id),
        groups=customer_groups.group_choices(wp.db),
        countries=COUNTRIES,
        options=lambda key: select_options(key, [], COUNTRIES),
        errors=errors or {},
        posted=posted,
        done=done,
    )


@blueprint.post("/customers/<int:customer_id>")
def update_customer(customer_id: int):
    """Save the customer page's form, or show it again with what to correct."""
    posted = {key: value for key, value in request.form.items() if key != "csrf_token"}
    for key in CHECKBOXES:
        posted.setdefault(key, "0")
    try:
        data = CUSTOMER_FORM.load(posted)
        customer_edit.update_customer(get_wp(), customer_id, data, current_actor())
    except ValidationError as error:
        return _customer_page(customer_id, error.messages, posted)
    except Invalid as refused:
        return _customer_page(customer_id, refused.errors, posted)
    return redirect(f"/network/customers/{customer_id}?done=saved", code=303)
