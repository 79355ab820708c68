"""Import from Ultimate Multisite (formerly WP Ultimo 2): its products, discount codes,
customers, memberships (with packages and site), payments and domain mappings become the
sidecar's plans/packages/services, codes, customers, memberships, invoices and domains.

Rules:
- Idempotent: every created row is remembered in the import map; a second run skips what it
  finds there ("already imported") and creates nothing twice.
- Transactional per customer: a customer, their memberships, invoices and their sites'
  domains commit together; a broken row inside is skipped (savepoint) and reported.
- A dry run does everything inside one transaction and rolls it back: it writes nothing and
  reports what would have been imported.
- Nothing is fatal but a missing source: every skipped row is reported with the reason.
"""

from __future__ import annotations

import json
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pymysql

from ..store import customers as customer_store
from ..store import discount_codes as code_store
from ..store import domains as domain_store
from ..store import import_map, invoice_counters, invoice_lines, membership_packages, payments
from ..store import invoices as invoice_store
from ..store import memberships as membership_store
from ..store import products as product_store
from ..wp_bridge.db import Database, DatabaseBusy
from ..wp_bridge.phpserial import PHPObject
from ..wp_bridge.tables import ultimate_multisite as source
from ..wp_bridge.tables.sites import get_site
from ..wp_bridge.tables.users import get_user
from .memberships import new_number
from .money import CURRENCIES

SOURCE = "ultimate-multisite"
CENT = Decimal("0.01")
MEMBERSHIP_STATUS = {
    "pending": "pending",
    "active": "active",
    "trialing": "active",
    "on-hold": "on_hold",
    "expired": "expired",
    "cancelled": "cancelled",
}
INVOICE_STATUS = {
    "completed": "paid",
    "partially-refunded": "paid",
    "pending": "pending",
    "partially-paid": "pending",
    "refunded": "refunded",
    "failed": "failed",
    "cancelled": "cancelled",
}
DOMAIN_STATUS = {
    "checking-dns": "pending",
    "checking-ssl-cert": "verified",
    "done-without-ssl": "verified",
    "ssl-failed": "verified",
    "done": "https-ok",
    "failed": "failed",
}
PRODUCT_TYPES = ("plan", "package", "service")
BILLING_KEYS = {
    "company_name": "billing_company",
    "billing_address_line_1": "billing_address_1",
    "billing_address_line_2": "billing_address_2",
    "billing_city": "billing_city",
    "billing_zip_code": "billing_postcode",
    "billing_state": "billing_state",
    "billing_country": "billing_country",
}
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SLUG = re.compile(r"[^a-z0-9-]+")


class Skip(Exception):
    """This source row is not imported; the message says why."""


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


@dataclass
class ImportReport:
    """What was imported, found already imported, and skipped (with reasons)."""

    dry_run: bool = False
    imported: Counter = field(default_factory=Counter)
    already: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, int, str]] = field(default_factory=list)

    def skip(self, kind: str, source_id: int, reason: str) -> None:
        """Record that ``kind`` row ``source_id`` was skipped because of ``reason``."""
        self.skipped.append((kind, int(source_id), reason))

    def lines(self) -> list[str]:
        """Return the report as lines of text."""
        verb = "would import" if self.dry_run else "imported"
        kinds = sorted(set(self.imported) | set(self.already) | {k for k, _, _ in self.skipped})
        out = []
        for kind in kinds:
            skipped = sum(1 for k, _, _ in self.skipped if k == kind)
            out.append(
                f"{kind}: {verb} {self.imported[kind]}, already imported {self.already[kind]},"
                f" skipped {skipped}"
            )
        out += [f"skipped {kind} {sid}: {reason}" for kind, sid, reason in self.skipped]
        return out

    def as_dict(self) -> dict:
        """Return the report as a JSON-ready dict."""
        return {
            "dry_run": self.dry_run,
            "imported": dict(self.imported),
            "already": dict(self.already),
            "skipped": [{"kind": k, "id": i, "reason": r} for k, i, r in self.skipped],
        }


@dataclass
class _Run:
    db: Database
    network_id: int
    now: datetime
    report: ImportReport
    currency: str = "USD"
    products: dict[int, dict] = field(default_factory=dict)  # source id → source row
    limitations: dict[int, object] = field(default_factory=dict)  # product id → wu_limitations


def import_ultimate_multisite(
    db: Database, network_id: int, now: datetime, *, dry_run: bool = False
) -> ImportReport:
    """Import everything (see the module's rules); return the report.

    Raises Skip when the source tables are not in the database at all.
    """
    found = source.present(db)
    if "customers" not in found or "memberships" not in found or "products" not in found:
        raise Skip(
            "no Ultimate Multisite tables (wu_customers, wu_memberships, wu_products) with "
            f"the prefix {db.prefix} in this database"
        )
    run = _Run(db, network_id, now, ImportReport(dry_run=dry_run))
    if not dry_run:
        _import_all(run, found)  # each row / customer commits on its own
        return run.report
    try:
        with db.transaction():
            _import_all(run, found)
            raise _DryRun
    except _DryRun:
        pass
    return run.report


def _import_all(run: _Run, found: list[str]) -> None:
    db = run.db
    for row in source.rows(db, "products"):
        run.products[int(row["id"])] = row
    run.limitations = source.meta(db, "product", "wu_limitations")
    _guard_each(run, "product", list(run.products.values()), _product)
    if "discount_codes" in found:
        _guard_each(run, "discount_code", source.rows(db, "discount_codes"), _discount_code)
    sites = source.sites_by_membership(db)
    memberships = source.rows(db, "memberships")
    pays = source.rows(db, "payments") if "payments" in found else []
    domains = source.rows(db, "domain_mappings") if "domain_mappings" in found else []
    billing = source.meta(db, "customer", "wu_billing_address")
    customers = source.rows(db, "customers")
    owned: set[int] = set()
    by_customer = {
        "memberships": _grouped(memberships, "customer_id"),
        "pays": _grouped(pays, "customer_id"),
    }
    domains_of = _grouped(domains, "blog_id")
    for customer in customers:
        cid = int(customer["id"])
        mine = by_customer["memberships"].get(cid, [])
        blogs = {b for m in mine for b in sites.get(int(m["id"]), [])[:1]}
        owned |= blogs
        parts = (
            mine,
            by_customer["pays"].get(cid, []),
            sorted((d for b in blogs for d in domains_of.get(b, [])), key=lambda d: int(d["id"])),
        )
        _customer_unit(run, customer, billing.get(cid), sites, parts)
    known = {int(c["id"]) for c in customers}
    for row in memberships + pays:
        if int(row["customer_id"]) not in known:
            kind = "membership" if "plan_id" in row else "payment"
            run.report.skip(kind, row["id"], f"its customer {row['customer_id']} does not exist")
    _guard_each(run, "domain", [d for d in domains if int(d["blog_id"]) not in owned], _domain)


def _grouped(rows: list, key: str) -> dict[int, list]:
    """``rows`` by the integer value of ``key`` (one pass, order kept)."""
    groups: dict[int, list] = {}
    for row in rows:
        groups.setdefault(int(row[key]), []).append(row)
    return groups


def _mapped(run: _Run, kind: str, source_id) -> int | None:
    return import_map.get(run.db, SOURCE, kind, int(source_id))


def _remember(run: _Run, kind: str, source_id, target_id: int) -> int:
    import_map.put(run.db, SOURCE, kind, int(source_id), target_id, run.now)
    run.report.imported[kind] += 1
    return target_id


def _guard_each(run: _Run, kind: str, rows: list, work) -> None:
    for row in rows:
        _guard(run, kind, row, work)


def _guard(run: _Run, kind: str, row, work, *args):
    """Import one row in a savepoint: already imported → counted; Skip or a database error →
    rolled back and reported. Returns the sidecar id or None."""
    done = _mapped(run, kind, row["id"])
    if done is not None:
        run.report.already[kind] += 1
        return done
    try:
        with run.db.transaction():
            return _remember(run, kind, row["id"], work(run, row, *args))
    except Skip as reason:
        run.report.skip(kind, row["id"], str(reason))
    except (pymysql.err.DataError, pymysql.err.IntegrityError, InvalidOperation) as error:
        run.report.skip(kind, row["id"], f"the row cannot be stored ({error.__class__.__name__})")
    return None


def _customer_unit(run: _Run, customer, billing, sites, parts) -> None:
    """A customer with their memberships, payments and domains, in one transaction."""
    memberships, pays, domains = parts
    try:
        with run.db.transaction():
            if _guard(run, "customer", customer, _customer, billing) is None:
                for m in memberships:
                    run.report.skip("membership", m["id"], "its customer was not imported")
                for p in pays:
                    run.report.skip("payment", p["id"], "its customer was not imported")
                return
            for membership in memberships:
                _guard(run, "membership", membership, _membership, sites)
            first = {}
            for payment in sorted(pays, key=lambda p: (p["date_created"] or run.now, p["id"])):
                first.setdefault(int(payment["membership_id"]), int(payment["id"]))
                _guard(run, "payment", payment, _invoice, first)
            _guard_each(run, "domain", domains, _domain)
    except (pymysql.err.MySQLError, DatabaseBusy) as error:
        run.report.skip("customer", customer["id"], f"rolled back: {error.__class__.__name__}")


# --- products and discount codes -------------------------------------------------------------


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def _period(row) -> str:
    """month, year or once from a product's or membership's recurrence. Raises Skip."""
    if not int(row["recurring"] or 0):
        return "once"
    duration, unit = int(row["duration"] or 1), row["duration_unit"] or "month"
    if duration == 1 and unit in ("month", "year"):
        return unit
    if duration == 12 and unit == "month":
        return "year"
    raise Skip(f"billing every {duration} {unit}(s) has no equivalent (monthly or yearly only)")


def _product(run: _Run, row) -> int:
    kind = str(row["type"] or "plan")
    if kind not in PRODUCT_TYPES:
        raise Skip(f"product type {kind!r} is not a plan, package or service")
    currency = str(row["currency"] or "USD").upper()
    if currency not in CURRENCIES:
        raise Skip(f"currency {currency} is not supported")
    run.currency = currency
    limits, domains = _limits(run.limitations.get(int(row["id"])))
    price = Decimal(0) if row["pricing_type"] == "free" else _money(row["amount"])
    product = {
        "type": kind,
        "slug": _free_slug(run.db, row["slug"] or row["name"], row["id"]),
        "name": str(row["name"] or f"Product {row['id']}")[:120],
        "description": str(row["description"] or ""),
        "price": price,
        "setup_fee": _money(row["setup_fee"]),
        "currency": currency,
        "billing_period": "once" if kind == "service" else _period(row),
        "plan_group_id": None,
        "limits": limits,
        "active": bool(int(row["active"] if row["active"] is not None else 1)),
        "sort_order": int(row["list_order"] or 0),
        "allow_custom_domains": domains,
    }
    return product_store.insert(run.db, product)


def _limits(raw) -> tuple[dict, bool]:
    """Their limitation modules → our limits dict and "allow custom domains". Raises Skip."""
    if raw is None or raw == "":
        return {}, False
    if isinstance(raw, str | bytes):  # Broken, or text that is not serialized at all
        raise Skip("its limitations (wu_limitations) are not valid serialized PHP")
    if isinstance(raw, PHPObject):
        raw = next(iter(raw.properties.values()), {})
    if not isinstance(raw, dict):
        raise Skip("its limitations (wu_limitations) are not a list of modules")
    limits: dict = {}
    for module, key in (("disk_space", "disk_mb"), ("visits", "visits_month"), ("sites", "sites")):
        _number(limits, key, raw.get(module))
    for post_type, setting in _sub_limits(raw.get("post_types")):
        name = {"post": "posts", "page": "pages"}.get(post_type, f"post_type.{post_type}")
        _number(limits, name, setting, "number")
    for role, setting in _sub_limits(raw.get("users")):
        _number(limits, f"users_role.{role}", setting, "number")
    mapping = raw.get("domain_mapping")
    allowed = isinstance(mapping, dict) and bool(mapping.get("enabled"))
    if allowed and not isinstance(mapping.get("limit"), bool):
        _number(limits, "domains", mapping)
    return limits, allowed


def _sub_limits(module) -> list[tuple[str, dict]]:
    if not isinstance(module, dict) or not module.get("enabled"):
        return []
    inner = module.get("limit")
    if not isinstance(inner, dict):
        return []
    return [
        (str(name), value)
        for name, value in inner.items()
        if isinstance(value, dict) and re.fullmatch(r"[a-z0-9_-]{1,20}", str(name))
    ]


def _number(limits: dict, key: str, module, field_name: str = "limit") -> None:
    """Enabled with a positive number → that number; enabled with 0/empty → unlimited."""
    if not isinstance(module, dict) or not module.get("enabled"):
        return
    value = module.get(field_name)
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise Skip(f"limit {key} is not a number ({value!r})") from None
    limits[key] = number if number > 0 else None


def _free_slug(db: Database, wanted, source_id) -> str:
    base = _SLUG.sub("-", str(wanted or "").lower()).strip("-")[:50] or f"product-{source_id}"
    slug = base
    if product_store.get_by_slug(db, slug) is not None:
        slug = f"{base[:40]}-um{source_id}"
    return slug


def _discount_code(run: _Run, row) -> int:
    code = str(row["code"] or "").strip().upper()
    if not code:
        raise Skip("it has no code")
    if code_store.find_by_code(db := run.db, code) is not None:
        raise Skip(f"a discount code {code} exists already")
    percent = row["type"] == "percentage"
    amount = _money(row["value"])
    if percent and not Decimal(0) < amount <= Decimal(100):
        raise Skip(f"a percentage of {amount} is not between 0 and 100")
    return code_store.insert(
        db,
        {
            "code": code,
            "description": str(row["description"] or row["name"] or "")[:255],
            "kind": "percent" if percent else "fixed",
            "amount": amount,
            "currency": None if percent else run.currency,
            "applies_to_renewals": bool(int(row["apply_to_renewals"] or 0)),
            "max_uses": int(row["max_uses"]) if row["max_uses"] else None,
            "valid_from": row["date_start"],
            "valid_until": row["date_expiration"],
            "active": bool(int(row["active"] if row["active"] is not None else 1)),
        },
    )


# --- customers, memberships, invoices --------------------------------------------------------


def _billing(raw) -> dict:
    if isinstance(raw, PHPObject):
        raw = next((v for k, v in raw.properties.items() if str(k).endswith("attributes")), {})
    if not isinstance(raw, dict):
        return {}
    billing = {ours: str(raw.get(theirs) or "")[:200] for theirs, ours in BILLING_KEYS.items()}
    country = billing["billing_country"].strip().upper()
    billing["billing_country"] = country if re.fullmatch(r"[A-Z]{2}", country) else ""
    billing["billing_postcode"] = billing["billing_postcode"][:20]
    billing["billing_company"] = billing["billing_company"][:120]
    billing["billing_city"] = billing["billing_city"][:100]
    billing["billing_state"] = billing["billing_state"][:100]
    return billing


def _customer(run: _Run, row, billing_raw) -> int:
    user = get_user(run.db, int(row["user_id"]))
    if user is None:
        raise Skip(f"its WordPress user {row['user_id']} does not exist")
    existing = customer_store.find_by_user(run.db, user.id)
    if existing is not None:
        return int(existing["id"])  # the sidecar knows them already: keep their address
    billing = _billing(billing_raw)
    billing["billing_name"] = str(getattr(user, "display_name", "") or "")[:120]
    return customer_store.insert(run.db, user.id, billing)


def _membership(run: _Run, row, sites) -> int:
    customer_id = _mapped(run, "customer", row["customer_id"])
    plan_id = _mapped(run, "product", row["plan_id"])
    if plan_id is None:
        raise Skip(f"its plan (product {row['plan_id']}) is missing or was not imported")
    status = MEMBERSHIP_STATUS.get(str(row["status"]))
    if status is None:
        raise Skip(f"status {row['status']!r} is unknown")
    blog_id = _site_of(run, row, sites)
    currency = str(row["currency"] or run.currency).upper()
    if currency not in CURRENCIES:
        raise Skip(f"currency {currency} is not supported")
    membership_id = membership_store.insert(
        run.db,
        {
            "number": new_number(run.db),
            "customer_id": customer_id,
            "blog_id": blog_id,
            "plan_id": plan_id,
            "status": status,
            "currency": currency,
            "initial_amount": _money(row["initial_amount"]),
            "recurring_amount": _money(row["amount"]),
            "billing_period": _period(row),
            "times_billed": int(row["times_billed"] or 0),
            "renewed_at": row["date_renewed"],
            "expires_at": row["date_expiration"],
            "cancelled_at": row["date_cancellation"] if status == "cancelled" else None,
        },
    )
    _packages(run, membership_id, row)
    return membership_id


def _site_of(run: _Run, row, sites) -> int | None:
    for blog_id in sites.get(int(row["id"]), [])[:1]:
        site = get_site(run.db, blog_id)
        if site is None or site.network_id != run.network_id:
            run.report.skip("site", blog_id, f"membership {row['id']}'s site does not exist")
            return None
        if membership_store.find_by_blog(run.db, blog_id) is not None:
            raise Skip(f"site {blog_id} already has a sidecar membership")
        return blog_id
    return None


def _packages(run: _Run, membership_id: int, row) -> None:
    from ..wp_bridge.phpserial import maybe_unserialize

    addons = maybe_unserialize(row["addon_products"] or "")
    if isinstance(addons, list):
        addons = dict(enumerate(addons))
    if not isinstance(addons, dict):
        return
    for product, quantity in addons.items():
        package_id = _mapped(run, "product", product)
        source_row = run.products.get(int(product)) if str(product).isdigit() else None
        if package_id is None or source_row is None or source_row["type"] != "package":
            run.report.skip(
                "package",
                int(product) if str(product).isdigit() else 0,
                f"membership {row['id']}: not an imported package",
            )
            continue
        qty = max(1, int(quantity or 1))
        membership_packages.add(
            run.db, membership_id, package_id, qty, _money(source_row["amount"])
        )


def _invoice(run: _Run, row, first: dict) -> int:
    customer_id = _mapped(run, "customer", row["customer_id"])
    membership_id = (
        _mapped(run, "membership", row["membership_id"]) if row["membership_id"] else None
    )
    if row["membership_id"] and membership_id is None:
        raise Skip(f"its membership {row['membership_id']} was not imported")
    status = INVOICE_STATUS.get(str(row["status"]))
    if status is None:
        raise Skip(f"status {row['status']!r} is unknown")
    currency = str(row["currency"] or run.currency).upper()
    if currency not in CURRENCIES:
        raise Skip(f"currency {currency} is not supported")
    customer = customer_store.get(run.db, customer_id)
    issued = row["date_created"] or run.now
    subtotal, total = _money(row["subtotal"]), _money(row["total"])
    invoice_id = invoice_store.insert(
        run.db,
        {
            "network_id": run.network_id,
            "number": invoice_counters.next_number(run.db, run.network_id),
            "customer_id": customer_id,
            "membership_id": membership_id,
            "status": status,
            "reason": "signup"
            if first.get(int(row["membership_id"])) == int(row["id"])
            else "renewal",
            "currency": currency,
            "subtotal": subtotal,
            "discount": _money(row["discount_total"]),
            "tax_rate": Decimal(0),
            "tax": _money(row["tax_total"]),
            "total": total,
            "billing_address": json.dumps(_snapshot(customer), ensure_ascii=False),
            "gateway": "manual",
            "issued_at": issued,
            "due_at": issued,
        },
    )
    product = _mapped(run, "product", row["product_id"]) if row["product_id"] else None
    description = f"Ultimate Multisite payment #{row['id']}"
    line = {
        "description": description,
        "product_id": product,
        "quantity": 1,
        "unit_price": subtotal,
        "amount": subtotal,
    }
    invoice_lines.insert_many(run.db, invoice_id, [line])
    _payment(run, invoice_id, row, status, total, currency, issued)
    return invoice_id


def _snapshot(customer) -> dict:
    if not customer:
        return {}
    return {key: customer.get(key, "") for key in customer_store.BILLING_FIELDS}


def _payment(run: _Run, invoice_id: int, row, status: str, total, currency, issued) -> None:
    if status not in ("paid", "refunded", "failed"):
        return
    invoice_store.set_status(
        run.db,
        invoice_id,
        status,
        run.now,
        paid_at=issued if status in ("paid", "refunded") else None,
    )
    reference = f"{row['gateway'] or 'import'}:{row['gateway_payment_id'] or row['id']}"[:100]
    payments.insert(
        run.db,
        invoice_id=invoice_id,
        gateway="manual",
        amount=total,
        currency=currency,
        status={"paid": "succeeded"}.get(status, status),
        reference=reference,
        now=issued,
    )


# --- domains ---------------------------------------------------------------------------------


def _domain(run: _Run, row) -> int:
    name = str(row["domain"] or "").strip().lower().rstrip(".")
    if not _DOMAIN.match(name):
        raise Skip(f"{name!r} is not a domain name")
    site = get_site(run.db, int(row["blog_id"]))
    if site is None or site.network_id != run.network_id:
        raise Skip(f"its site {row['blog_id']} does not exist")
    if domain_store.find_by_name(run.db, name) is not None:
        raise Skip(f"{name} is mapped already")
    status = DOMAIN_STATUS.get(str(row["stage"] or "checking-dns"), "pending")
    domain_id = domain_store.insert(
        run.db,
        {
            "network_id": run.network_id,
            "blog_id": site.blog_id,
            "domain": name,
            "is_primary": 0,
            "token": f"sc-{secrets.token_hex(16)}",
            "next_check_at": run.now,
        },
    )
    if domain_id is None:
        raise Skip(f"{name} is mapped already")
    verified = status in ("verified", "https-ok")
    domain_store.save_check(
        run.db,
        domain_id,
        {
            "status": status,
            "last_error": "",
            "attempts": 0,
            "checked_at": row["date_modified"] if verified else None,
            "next_check_at": run.now,
            "verified_at": (row["date_modified"] or run.now) if verified else None,
        },
    )
    if int(row["primary_domain"] or 0):
        domain_store.set_primary(run.db, site.blog_id, domain_id)
    if not int(row["active"] if row["active"] is not None else 1):
        domain_store.set_enabled(run.db, domain_id, False)
    return domain_id
