"""Who may act on a site.

Until memberships pin a customer to a site, a site's **owner** is the administrator of that site
whose email equals the site's ``admin_email`` option — the address WordPress itself treats as
the site's contact. ``wpmu_create_blog($domain, $path, $title, $user_id)`` sets exactly that,
so every site created the normal way has an owner without extra bookkeeping. Super admins of
the network may act on every site.
"""

from __future__ import annotations

from ..wp_bridge.db import Database
from ..wp_bridge.tables.networks import super_admin_logins
from ..wp_bridge.tables.options import get_option
from ..wp_bridge.tables.users import User, find_users_by_email, user_roles


def site_owner(db: Database, blog_id: int) -> User | None:
    """Return the owner of site ``blog_id``, or None when no administrator matches."""
    email = get_option(db, blog_id, "admin_email")
    if not isinstance(email, str) or not email:
        return None
    for user in find_users_by_email(db, email):
        if "administrator" in user_roles(db, user.id, blog_id):
            return user
    return None


def is_super_admin(db: Database, network_id: int, user: User) -> bool:
    """True when ``user``'s login is in the network's ``site_admins``."""
    return user.login in super_admin_logins(db, network_id)
