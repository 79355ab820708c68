"""Customer groups (create, rename, delete — customers move to the default group) and the
admins' saved views of the customers grid (one default view per admin)."""

from __future__ import annotations

from flask_babel import gettext

from ..errors import Invalid, NotFound
from ..store import customer_groups as store
from ..store import customer_views as views_store
from ..wp_bridge.db import Database, Row
from .customer_grid import GridState, state_from_json
from .events import Actor, record

DEFAULT_GROUP_ID = store.DEFAULT_GROUP_ID
MAX_NAME = 80


def _taken() -> str:
    return gettext("A group with this name exists already.")


def list_groups(db: Database) -> list[Row]:
    """Every group with its number of customers, the default group first."""
    return store.list_with_counts(db)


def group_choices(db: Database) -> list[Row]:
    """Every group (id, name), for selects."""
    return store.list_all(db)


def _checked_name(db: Database, name: str, group_id: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid({"name": [gettext("Type a name for the group.")]})
    if len(name) > MAX_NAME:
        raise Invalid({"name": [gettext("Use at most %(n)d characters.", n=MAX_NAME)]})
    existing = store.find_by_name(db, name)
    if existing is not None and existing["id"] != group_id:
        raise Invalid({"name": [_taken()]})
    return name


def create_group(db: Database, name: str, actor: Actor) -> int:
    """Create a group; return its id. Raises Invalid (empty, too long or taken name)."""
    with db.transaction():
        name = _checked_name(db, name)
        group_id = store.insert(db, name)
        if group_id is None:
            raise Invalid({"name": [_taken()]})
        record(
            db, actor, "customer_group", group_id, "customer_group.created", None, {"name": name}
        )
    return group_id


def rename_group(db: Database, group_id: int, name: str, actor: Actor) -> None:
    """Rename a group. Raises NotFound, Invalid."""
    with db.transaction():
        group = _group(db, group_id)
        name = _checked_name(db, name, group_id)
        if not store.rename(db, group_id, name):
            raise Invalid({"name": [_taken()]})
        record(
            db,
            actor,
            "customer_group",
            group_id,
            "customer_group.renamed",
            {"name": group["name"]},
            {"name": name},
        )


def delete_group(db: Database, group_id: int, actor: Actor) -> int:
    """Delete a group, moving its customers to the default group; return how many moved.
    Raises NotFound, Invalid (the default group)."""
    if group_id == DEFAULT_GROUP_ID:
        raise Invalid({"group": [gettext("The default group cannot be deleted.")]})
    with db.transaction():
        group = _group(db, group_id)
        moved = store.move_customers(db, group_id, DEFAULT_GROUP_ID)
        store.delete(db, group_id)
        record(
            db,
            actor,
            "customer_group",
            group_id,
            "customer_group.deleted",
            {"name": group["name"]},
            {"customers_moved_to_default": moved},
        )
    return moved


def _group(db: Database, group_id: int) -> Row:
    group = store.get(db, group_id)
    if group is None:
        raise NotFound(gettext("There is no such customer group."))
    return group


# --- saved views ----------------------------------------------------------------------------


def list_views(db: Database, user_id: int) -> list[Row]:
    """The saved views of admin ``user_id``."""
    return views_store.for_user(db, user_id)


def view_state(db: Database, user_id: int, view_id: int | None) -> tuple[GridState, Row] | None:
    """The state of view ``view_id`` of ``user_id`` (None: their default view), with the
    view; None when there is no such view."""
    if view_id is None:
        view = views_store.default_for(db, user_id)
    else:
        view = views_store.get(db, user_id, view_id)
    return (state_from_json(view["state"]), view) if view else None


def save_view(db: Database, user_id: int, name: str, state: GridState, default: bool) -> int:
    """Save ``state`` as view ``name`` of ``user_id`` (replacing one of that name); return its
    id. Raises Invalid for an empty or too long name."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid({"view_name": [gettext("Type a name of at most 80 characters.")]})
    with db.transaction():
        view_id = views_store.upsert(db, user_id, name, state.to_json())
        if default:
            views_store.set_default(db, user_id, view_id)
    return view_id


def make_default(db: Database, user_id: int, view_id: int) -> None:
    """Make ``view_id`` the admin's default view. Raises NotFound."""
    if views_store.get(db, user_id, view_id) is None:
        raise NotFound(gettext("There is no such view."))
    views_store.set_default(db, user_id, view_id)


def delete_view(db: Database, user_id: int, view_id: int) -> None:
    """Delete one of the admin's views. Raises NotFound."""
    if not views_store.delete(db, user_id, view_id):
        raise NotFound(gettext("There is no such view."))
