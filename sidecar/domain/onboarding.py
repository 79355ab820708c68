"""Onboarding (configuration) templates: how each customer an admin adds is set up — the
network users who manage the new site (with a role there), the plan and who pays it, the
webhooks attached. Exactly one template of a network is its default: the database refuses a
second one (UNIQUE (network_id, is_default), non-default rows hold NULL) and "set default"
locks the network's template rows, so concurrent requests leave exactly one.

A customer keeps a snapshot of what was applied (``snapshot``); editing a template later
changes nothing for existing customers.
"""

from __future__ import annotations

from flask_babel import gettext

from ..errors import Conflict, Invalid, NotFound
from ..store import customers
from ..store import onboarding_templates as store
from ..store import webhooks as webhook_store
from ..wp_bridge.db import Database
from ..wp_bridge.tables.users import get_user
from . import catalog
from .events import Actor, record

ROLES = ("administrator", "editor", "author", "contributor", "subscriber")
MAX_MANAGERS = 20


def list_templates(db: Database, network_id: int) -> list[dict]:
    """The network's templates, the default first, each with managers, plan and payer."""
    rows = store.list_for_network(db, network_id)
    return _with_details(db, network_id, rows)


def get_template(db: Database, network_id: int, template_id: int) -> dict:
    """One template with its managers, webhook ids, plan and payer. Raises NotFound."""
    row = store.get(db, network_id, template_id)
    if row is None:
        raise NotFound(gettext("There is no such onboarding template."))
    return _with_details(db, network_id, [row])[0]


def default_template_id(db: Database, network_id: int) -> int | None:
    """The id of the network's default template (None when there is no template)."""
    return store.default_id(db, network_id)


def create_template(db: Database, network_id: int, form: dict, actor: Actor) -> dict:
    """Create a template; the network's first one becomes its default. Raises Invalid."""
    values, managers, webhook_ids = _checked(db, network_id, form)
    with db.transaction():
        _unique_name(db, network_id, values["name"], None)
        template_id = store.insert(db, network_id, values)
        store.set_managers(db, template_id, managers)
        store.set_webhooks(db, template_id, webhook_ids)
        if store.default_id(db, network_id) is None:
            store.mark_default_if_none(db, template_id)
        after = get_template(db, network_id, template_id)
        record(db, actor, "onboarding_template", template_id, "onboarding.created", None, after)
    return after


def update_template(
    db: Database, network_id: int, template_id: int, form: dict, actor: Actor
) -> dict:
    """Replace a template's settings (existing customers keep what they got). Raises
    NotFound, Invalid."""
    values, managers, webhook_ids = _checked(db, network_id, form)
    with db.transaction():
        if store.get(db, network_id, template_id, for_update=True) is None:
            raise NotFound(gettext("There is no such onboarding template."))
        before = get_template(db, network_id, template_id)
        _unique_name(db, network_id, values["name"], template_id)
        store.update(db, template_id, values)
        store.set_managers(db, template_id, managers)
        store.set_webhooks(db, template_id, webhook_ids)
        after = get_template(db, network_id, template_id)
        record(db, actor, "onboarding_template", template_id, "onboarding.updated", before, after)
    return after


def set_default(db: Database, network_id: int, template_id: int, actor: Actor) -> dict:
    """Make a template the network's only default. The network's template rows are locked
    first, so concurrent calls run one after the other. Raises NotFound."""
    with db.transaction():
        ids = {int(row["id"]): row["is_default"] for row in store.lock_network(db, network_id)}
        if template_id not in ids:
            raise NotFound(gettext("There is no such onboarding template."))
        previous = next((tid for tid, flag in ids.items() if flag), None)
        if previous != template_id:
            store.clear_default(db, network_id)
            store.mark_default(db, template_id)
            record(
                db,
                actor,
                "onboarding_template",
                template_id,
                "onboarding.default_set",
                {"default_id": previous},
                {"default_id": template_id},
            )
    return get_template(db, network_id, template_id)


def delete_template(db: Database, network_id: int, template_id: int, actor: Actor) -> None:
    """Delete a template. The default can only go once another is the default (or when it is
    the last template). Raises NotFound, Conflict."""
    with db.transaction():
        rows = {int(row["id"]): row["is_default"] for row in store.lock_network(db, network_id)}
        if template_id not in rows:
            raise NotFound(gettext("There is no such onboarding template."))
        if rows[template_id] and len(rows) > 1:
            raise Conflict(
                gettext(
                    "This is the default template. Make another template the default first,"
                    " then delete this one."
                )
            )
        before = get_template(db, network_id, template_id)
        store.delete(db, template_id)
        record(db, actor, "onboarding_template", template_id, "onboarding.deleted", before, None)


def snapshot(db: Database, network_id: int, template_id: int) -> dict:
    """A self-contained copy of what a template applies now (stored on each new customer)."""
    template = get_template(db, network_id, template_id)
    return {
        "template_id": template["id"],
        "template_name": template["name"],
        "plan_id": template["plan_id"],
        "plan_name": template["plan_name"],
        "payer_customer_id": template["payer_customer_id"],
        "payer_name": template["payer_name"],
        "managers": [
            {"user_id": m["user_id"], "role": m["role"], "login": m["user_login"]}
            for m in template["managers"]
        ],
        "webhook_ids": template["webhook_ids"],
    }


def form_choices(db: Database, network_id: int) -> dict:
    """What the template form offers: plans, payers, users, roles, webhooks."""
    return {
        "plans": catalog.list_products(db, type="plan"),
        "payers": store.payer_choices(db),
        "users": store.user_choices(db),
        "roles": ROLES,
        "webhooks": webhook_store.list_for_network(db, network_id),
    }


def _with_details(db: Database, network_id: int, rows: list[dict]) -> list[dict]:
    ids = [int(row["id"]) for row in rows]
    managers: dict[int, list] = {i: [] for i in ids}
    for manager in store.managers(db, ids):
        managers[int(manager["template_id"])].append(manager)
    hooks: dict[int, list] = {i: [] for i in ids}
    for link in store.webhook_ids(db, ids):
        hooks[int(link["template_id"])].append(int(link["webhook_id"]))
    return [
        {
            **row,
            "is_default": bool(row["is_default"]),
            "managers": managers[int(row["id"])],
            "webhook_ids": hooks[int(row["id"])],
            "plan_name": _plan_name(db, row["plan_id"]),
            "payer_name": _payer_name(db, row["payer_customer_id"]),
        }
        for row in rows
    ]


def _plan_name(db: Database, plan_id: int | None) -> str:
    if not plan_id:
        return ""
    try:
        return catalog.get_product(db, plan_id).name
    except NotFound:
        return ""


def _payer_name(db: Database, customer_id: int | None) -> str:
    if not customer_id:
        return ""
    row = customers.get(db, customer_id)
    user = get_user(db, int(row["user_id"])) if row else None
    return user.display_name or user.login if user else ""


def _unique_name(db: Database, network_id: int, name: str, template_id: int | None) -> None:
    other = store.find_by_name(db, network_id, name)
    if other is not None and int(other["id"]) != template_id:
        raise Invalid({"name": [gettext("Another template has this name. Choose another one.")]})


def _checked(db: Database, network_id: int, form: dict) -> tuple[dict, list, list]:
    """Columns, (user_id, role) managers and webhook ids from a loaded form. Raises Invalid
    with a message per field."""
    errors: dict[str, list] = {}
    name = (form.get("name") or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [gettext("Enter a name of at most 100 characters.")]
    description = (form.get("description") or "").strip()
    if len(description) > 500:
        errors["description"] = [gettext("Keep the description under 500 characters.")]
    plan_id = form.get("plan_id") or None
    if plan_id is not None and not _is_plan(db, plan_id):
        errors["plan_id"] = [gettext("Choose one of the active plans.")]
    payer_id = form.get("payer_customer_id") or None
    if payer_id is not None and customers.get(db, payer_id) is None:
        errors["payer_customer_id"] = [gettext("Choose the payer from the list of customers.")]
    managers = _managers(db, form.get("managers") or [], errors)
    webhook_ids = sorted({int(w) for w in form.get("webhook_ids") or []})
    if any(webhook_store.get(db, network_id, w) is None for w in webhook_ids):
        errors["webhook_ids"] = [gettext("Choose webhooks from the list.")]
    if errors:
        raise Invalid(errors)
    values = {
        "name": name,
        "description": description,
        "plan_id": plan_id,
        "payer_customer_id": payer_id,
    }
    return values, managers, webhook_ids


def _managers(db: Database, items: list, errors: dict) -> list[tuple[int, str]]:
    chosen: dict[int, str] = {}
    for item in items:
        user_id, role = int(item["user_id"]), item.get("role") or "administrator"
        if role not in ROLES:
            errors["managers"] = [gettext("Choose each manager's role from the list.")]
        elif get_user(db, user_id) is None:
            errors["managers"] = [gettext("Choose managers from the network's users.")]
        chosen[user_id] = role
    if len(chosen) > MAX_MANAGERS:
        errors["managers"] = [gettext("A template can add at most 20 managers.")]
    return sorted(chosen.items())


def _is_plan(db: Database, product_id: int) -> bool:
    try:
        product = catalog.get_product(db, product_id)
    except NotFound:
        return False
    return product.type == "plan" and product.active
