"""A customer's set-up after onboarding: what the template applied (the snapshot, never
changed by later template edits) and what stays editable — who pays each membership and
which webhooks are attached. Managers are site users (WordPress's Users screen); plan and
packages change under Memberships."""

from __future__ import annotations

import json

from flask_babel import gettext

from ..errors import Invalid, NotFound
from ..store import customers, memberships
from ..store import onboarding_snapshots as snapshots
from ..store import onboarding_templates as templates
from ..store import webhooks as webhook_store
from ..wp_bridge.db import Database
from ..wp_bridge.tables.users import get_user
from .events import Actor, record


def customer_setup(db: Database, network_id: int, customer_id: int) -> dict:
    """The customer, the snapshot (or None), their memberships with payers, the webhooks
    attached, and the choices for editing. Raises NotFound."""
    row = customers.get(db, customer_id)
    if row is None:
        raise NotFound(gettext("There is no such customer."))
    stored = snapshots.get(db, customer_id)
    user = get_user(db, int(row["user_id"]))
    return {
        "customer": row,
        "user": user,
        "snapshot": json.loads(stored["snapshot"]) if stored else None,
        "applied_at": stored["applied_at"] if stored else None,
        "memberships": [
            {**m, "payer_customer_id": snapshots.payer_of(db, int(m["id"]))}
            for m in memberships.for_customer(db, customer_id)
        ],
        "webhook_ids": webhook_store.attached_to(db, customer_id),
        "webhooks": webhook_store.list_for_network(db, network_id),
        "payers": [p for p in templates.payer_choices(db) if int(p["id"]) != customer_id],
    }


def update_customer_setup(
    db: Database, network_id: int, customer_id: int, form: dict, actor: Actor
) -> dict:
    """Set who pays each membership (``payers``: membership id → customer id or None) and
    which webhooks are attached (``webhook_ids``). Raises NotFound, Invalid."""
    before = customer_setup(db, network_id, customer_id)
    owned = {int(m["id"]) for m in before["memberships"]}
    payers = {int(k): (int(v) if v else None) for k, v in (form.get("payers") or {}).items()}
    hooks = sorted({int(w) for w in form.get("webhook_ids") or []})
    _check(db, network_id, customer_id, owned, payers, hooks)
    with db.transaction():
        for membership_id, payer_id in payers.items():
            if payer_id:
                snapshots.set_payer(db, membership_id, payer_id)
            else:
                snapshots.clear_payer(db, membership_id)
        for webhook_id in set(before["webhook_ids"]) - set(hooks):
            webhook_store.detach(db, customer_id, webhook_id)
        for webhook_id in hooks:
            webhook_store.attach(db, customer_id, webhook_id)
        after = customer_setup(db, network_id, customer_id)
        record(
            db,
            actor,
            "customer",
            customer_id,
            "onboarding.setup_changed",
            _summary(before),
            _summary(after),
        )
    return after


def _check(db, network_id, customer_id, owned, payers, hooks) -> None:
    errors = {}
    if set(payers) - owned:
        errors["payers"] = [gettext("Choose payers for this customer's memberships only.")]
    for payer_id in payers.values():
        if payer_id and (payer_id == customer_id or customers.get(db, payer_id) is None):
            errors["payers"] = [gettext("Choose the payer from the list of customers.")]
    if any(webhook_store.get(db, network_id, w) is None for w in hooks):
        errors["webhook_ids"] = [gettext("Choose webhooks from the list.")]
    if errors:
        raise Invalid(errors)


def _summary(setup: dict) -> dict:
    return {
        "payers": {str(m["id"]): m["payer_customer_id"] for m in setup["memberships"]},
        "webhook_ids": setup["webhook_ids"],
    }
