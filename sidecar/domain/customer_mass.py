"""Mass actions on the customers grid's selection (the ticked rows, or every customer matching
the filters): subscribe to / unsubscribe from the newsletter, assign a customer group, delete.

Newsletter and group changes are one set-based ``UPDATE`` in one transaction, however many
customers are selected, with one event per customer (``INSERT … SELECT``) and one summary event
(subject ``customers`` 0).

**Delete** cannot be undone and does what the customer's own Delete Account does
(domain/danger_zone.py): the sites they own are deleted through WordPress, memberships are
cancelled, pending invoices cancelled, invoices and payments kept (anonymised), events kept
(personal data redacted), the customer row removed and the WordPress user deleted through the
shim. Refused for network admins, for users who administer other customers' sites, and for
the only admin of a company (assign another admin first). Each customer is its own unit; at
most ``MAX_DELETE`` customers per request (each one means several calls to WordPress).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext

from ..errors import Invalid
from ..store import customer_companies, customer_groups
from ..store import customer_grid as store
from ..wp_bridge import WordPress
from ..wp_bridge.db import Database
from ..wp_bridge.rest import RestError
from ..wp_bridge.tables.users import User, get_user
from . import danger_zone, webhooks
from .customer_grid import GridState, count_matching, to_query
from .events import Actor, record

ACTIONS = ("subscribe", "unsubscribe", "assign_group", "delete")
MAX_DELETE = 100


@dataclass(frozen=True)
class Selection:
    """The grid state and either the ticked ids, or None for every matching customer."""

    state: GridState
    ids: list[int] | None


@dataclass
class MassResult:
    """What a mass action did: how many customers changed, and those refused (id → why)."""

    action: str
    changed: int = 0
    refused: dict[int, str] = field(default_factory=dict)


def _query(selection: Selection):
    return to_query(selection.state, ids=selection.ids, paged=False)


def selected_count(db: Database, selection: Selection) -> int:
    """How many customers the selection covers."""
    return count_matching(db, selection.state, selection.ids)


@dataclass(frozen=True)
class MassPlan:
    """What the confirmation page shows: how many customers, the group (assign_group), and for
    delete the rows and those that will be refused (id → why)."""

    count: int
    group: dict | None = None
    rows: list[dict] = field(default_factory=list)
    blocked: dict[int, str] = field(default_factory=dict)


def plan(db: Database, selection: Selection, action: str, group_id: int | None) -> MassPlan:
    """Check the action and the selection and say what confirming would do. Raises Invalid
    (unknown action or group, nothing selected, too many to delete)."""
    check_action(db, action, group_id)
    count = selected_count(db, selection)
    if count == 0:
        raise Invalid({"selection": [gettext("Select at least one customer.")]})
    group = customer_groups.get(db, group_id) if action == "assign_group" else None
    if action != "delete":
        return MassPlan(count, group)
    rows = rows_to_delete(db, selection)
    return MassPlan(count, group, rows, delete_blockers(db, rows))


def check_action(db: Database, action: str, group_id: int | None) -> None:
    """Raises Invalid for an unknown action or a missing/unknown group."""
    if action not in ACTIONS:
        raise Invalid({"action": [gettext("Choose an action.")]})
    if action == "assign_group" and (group_id is None or customer_groups.get(db, group_id) is None):
        raise Invalid({"group_id": [gettext("Choose a customer group from the list.")]})


def run(
    wp: WordPress, selection: Selection, action: str, group_id: int | None, actor: Actor
) -> MassResult:
    """Apply ``action`` to the selection. Raises Invalid (bad action or group, nothing
    selected, too many to delete)."""
    check_action(wp.db, action, group_id)
    if action == "delete":
        return _delete(wp, selection, actor)
    changes = (
        {"group_id": group_id}
        if action == "assign_group"
        else {"newsletter": 1 if action == "subscribe" else 0}
    )
    return _update(wp, selection, action, changes, actor)


def _update(wp: WordPress, selection: Selection, action: str, changes: dict, actor) -> MassResult:
    db = wp.db
    query = _query(selection)
    with db.transaction():
        store.record_events(
            db, query, (actor.type, actor.id, actor.request_id[:64]), f"customer.{action}", changes
        )
        changed = store.update_matching(db, query, changes)
        record(
            db,
            actor,
            "customers",
            0,
            f"customers.mass_{action}",
            None,
            {
                "customers": changed,
                "changes": changes,
                "filters": selection.state.args() if selection.ids is None else None,
                "ids": selection.ids[:1000] if selection.ids is not None else None,
            },
        )
        if "newsletter" in changes and changed:
            # One event for the whole action: the ids when the admin picked them, else the count.
            kind = "newsletter.subscribed" if changes["newsletter"] else "newsletter.unsubscribed"
            data = {"customers": changed, "customer_ids": (selection.ids or [])[:1000]}
            webhooks.emit(db, wp.network_id, kind, data)
    return MassResult(action, changed)


def delete_blockers(db: Database, rows: list[dict]) -> dict[int, str]:
    """The selected customers that cannot be deleted: the only admin of their company (with
    the others of the selection gone), id → the reason."""
    selected = [int(row["id"]) for row in rows]
    blocked = {}
    for row in rows:
        company_id = int(row["company_id"] or 0)
        if row["customer_type"] != "company_admin" or not company_id:
            continue
        if customer_companies.other_admins(db, company_id, selected) == 0:
            blocked[int(row["id"])] = gettext(
                "%(name)s is the only admin of their company. Assign another admin of the"
                " company first, then delete this customer.",
                name=row["name"] or row["email"],
            )
    return blocked


def rows_to_delete(db: Database, selection: Selection) -> list[dict]:
    """The selected customers (id, user, name, email, type, company), at most MAX_DELETE.
    Raises Invalid when nothing or too many are selected."""
    query = _query(selection)
    query.columns = ["user_id", "name", "email", "customer_type", "company_id"]
    query.sort, query.descending, query.limit = "id", False, MAX_DELETE + 1
    rows = store.page(db, query)
    if not rows:
        raise Invalid({"selection": [gettext("Select at least one customer.")]})
    if len(rows) > MAX_DELETE:
        raise Invalid(
            {
                "selection": [
                    gettext(
                        "Delete at most %(n)d customers at a time: each one is deleted in"
                        " WordPress too.",
                        n=MAX_DELETE,
                    )
                ]
            }
        )
    return rows


def _delete(wp: WordPress, selection: Selection, actor: Actor) -> MassResult:
    rows = rows_to_delete(wp.db, selection)
    result = MassResult("delete", refused=delete_blockers(wp.db, rows))
    for row in rows:
        if int(row["id"]) in result.refused:
            continue
        try:
            delete_customer(wp, row, actor)
            result.changed += 1
        except Invalid as refused:
            result.refused[int(row["id"])] = "; ".join(
                str(m) for messages in refused.errors.values() for m in messages
            )
        except RestError as error:
            result.refused[int(row["id"])] = gettext(
                "WordPress refused: %(message)s", message=error.message
            )
    record(
        wp.db,
        actor,
        "customers",
        0,
        "customers.mass_delete",
        None,
        {"deleted": result.changed, "refused": sorted(result.refused)},
    )
    return result


def delete_customer(wp: WordPress, row: dict, actor: Actor) -> None:
    """Delete one customer as Delete Account does (see the module's docstring). Raises
    Invalid (network admin, admin of other customers' sites), RestError subclasses."""
    user = get_user(wp.db, int(row["user_id"]))
    if user is None:  # the WordPress user is gone already: erase the sidecar's side
        user = User(int(row["user_id"]), "", "", "", None)
        danger_zone.erase_customer_data(wp.db, user, [], actor)
        return
    danger_zone.erase_account(wp, user, actor)
