"""Turn a verified assertion into an authorised viewer, re-reading everything from the database.

The signature only proves *who the shim says* is asking; whether that user may see the page is
decided here, from WordPress's tables, on every request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from ..assertions import Claims
from ..errors import Forbidden, NotFound
from ..wp_bridge import WordPress
from ..wp_bridge.tables.sites import Site, get_site
from ..wp_bridge.tables.users import User, get_user
from .ownership import is_super_admin, site_owner


@dataclass(frozen=True)
class Viewer:
    """The authorised person behind a request (None: an anonymous visitor of a public page),
    and the site they act on (None for network and public pages)."""

    user: User | None
    site: Site | None
    is_super_admin: bool

    @property
    def is_owner(self) -> bool:
        """True when the viewer was authorised as the site's owner (not as a super admin)."""
        return self.site is not None and not self.is_super_admin


def account_viewer(wp: WordPress, claims: Claims) -> Viewer:
    """Authorise an Account page request: the site's owner or a super admin.

    Raises NotFound when the site or user does not exist (or is in another network), and
    Forbidden when the user is neither the owner nor a super admin.
    """
    user = _user(wp, claims)
    site = get_site(wp.db, claims.blog) if claims.blog > 0 else None
    if site is None or site.network_id != wp.network_id or site.deleted:
        raise NotFound(gettext("This site does not exist."))
    if is_super_admin(wp.db, wp.network_id, user):
        return Viewer(user, site, True)
    owner = site_owner(wp.db, site.blog_id)
    if owner is None or owner.id != user.id:
        raise Forbidden(gettext("Only the owner of this site can manage its account."))
    return Viewer(user, site, False)


def network_viewer(wp: WordPress, claims: Claims) -> Viewer:
    """Authorise a Network Admin page request: super admins only. Raises NotFound/Forbidden."""
    user = _user(wp, claims)
    if not is_super_admin(wp.db, wp.network_id, user):
        raise Forbidden(gettext("Only network administrators can open this page."))
    return Viewer(user, None, True)


def _user(wp: WordPress, claims: Claims) -> User:
    if claims.net != wp.network_id:
        raise NotFound(gettext("This network is not served here."))
    user = get_user(wp.db, claims.sub) if claims.sub > 0 else None
    if user is None:
        raise NotFound(gettext("This user does not exist."))
    return user


def public_viewer(wp: WordPress, claims: Claims) -> Viewer:
    """Authorise a public page request: anyone; a logged-in visitor is recognised.

    Raises NotFound when the network is not this one.
    """
    if claims.net != wp.network_id:
        raise NotFound(gettext("This network is not served here."))
    user = get_user(wp.db, claims.sub) if claims.sub > 0 else None
    return Viewer(user, None, False)
