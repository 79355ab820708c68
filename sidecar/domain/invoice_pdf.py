"""The invoice as an A4 PDF (fpdf2), and who the seller on it is.

Text is set in DejaVu Sans (Debian's ``fonts-dejavu-core``) so any name or currency symbol
prints as typed ("Zoë Ångström", "€"). Without that font the PDF falls back to the core
Helvetica font, which only knows Latin-1: other characters are transliterated ("€" → "EUR").
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..config import BillingSettings
from ..i18n import format_day, label
from ..wp_bridge import WordPress
from ..wp_bridge.tables.networks import get_network_option
from .gateways import GATEWAYS
from .invoices import Invoice

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
DEFAULT_SELLER_NAME = BillingSettings.seller_name

INK = (33, 37, 41)
MUTED = (100, 105, 112)
RULE = (220, 223, 228)
ACCENT = (34, 113, 177)
STATUS_COLOURS = {
    "pending": (219, 166, 23),
    "paid": (0, 138, 32),
    "refunded": (100, 105, 112),
    "failed": (214, 54, 56),
    "cancelled": (100, 105, 112),
}
_ASCII = {"€": "EUR", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."}


@dataclass(frozen=True)
class InvoiceDocument:
    """What a printed invoice shows: the invoice, its seller and its closing note."""

    invoice: Invoice
    seller: dict
    note: tuple[str, str] | None

    def pdf(self) -> bytes:
        """The document as a PDF."""
        return render_pdf(self.invoice, self.seller)


def invoice_document(wp: WordPress, invoice: Invoice, seller: dict) -> InvoiceDocument:
    """Bundle ``invoice`` with its seller (``seller_for``) and its payment note."""
    return InvoiceDocument(invoice, seller_for(wp, seller), payment_note(invoice))


def seller_for(wp: WordPress, seller: dict) -> dict:
    """The seller printed on invoices: the configured ``seller`` (``BillingContext.seller``:
    name, address lines, email), with the network's own name and admin email where those are
    left blank or at the default."""
    name = str(seller.get("name") or "").strip()
    if not name or name == DEFAULT_SELLER_NAME:
        # WordPress stores the network title HTML-escaped (sanitize_option): keep plain text.
        name = html.unescape(str(get_network_option(wp.db, wp.network_id, "site_name", "")))
        name = name or DEFAULT_SELLER_NAME
    email = str(seller.get("email") or "").strip() or str(
        get_network_option(wp.db, wp.network_id, "admin_email", "") or ""
    )
    return {**_seller(seller), "name": name, "email": email}


def render_pdf(invoice: Invoice, seller: dict) -> bytes:
    """Render ``invoice`` as a PDF. ``seller`` = {"name": str, "address": [lines] or str,
    "email": str}. Returns the PDF's bytes."""
    pdf = _InvoicePdf(invoice)
    pdf.add_page()
    _header(pdf, invoice, _seller(seller))
    _bill_to(pdf, invoice)
    _lines(pdf, invoice)
    _totals(pdf, invoice)
    _payment(pdf, invoice)
    return bytes(pdf.output())


class _InvoicePdf(FPDF):
    """An A4 page with the invoice number and page count in the footer."""

    def __init__(self, invoice: Invoice):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.invoice = invoice
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=22)
        self.set_title(gettext("Invoice %(number)s", number=invoice.display_number))
        self.set_creator("Sidecar")
        self.unicode = _add_fonts(self)

    def text_of(self, value: object) -> str:
        """``value`` as text the current font can print."""
        text = str(value)
        return text if self.unicode else _transliterate(text)

    def use(self, size: float, style: str = "", colour=INK) -> None:
        self.set_font("DejaVu" if self.unicode else "Helvetica", style, size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-14)
        self.use(8, colour=MUTED)
        text = gettext(
            "%(number)s · page %(page)d of %(pages)s",
            number=self.invoice.display_number,
            page=self.page_no(),
            pages="{nb}",
        )
        self.cell(0, 5, self.text_of(text), align="C")


def _add_fonts(pdf: FPDF) -> bool:
    """Register DejaVu Sans; False (use Helvetica) when its files are missing."""
    paths = {style: FONT_DIR / name for style, name in FONT_FILES.items()}
    if not all(path.is_file() for path in paths.values()):
        return False
    for style, path in paths.items():
        pdf.add_font("DejaVu", style, str(path))
    return True


def _transliterate(text: str) -> str:
    """Latin-1 text for the core fonts: known symbols spelled out, accents outside Latin-1
    dropped, anything else a question mark ("€42.35" → "EUR 42.35")."""
    out = []
    for index, char in enumerate(text):
        if char in _ASCII:
            out.append(_ASCII[char])
            if char == "€" and text[index + 1 : index + 2].isdigit():
                out.append(" ")
        elif char == "\u202f":  # narrow no-break space (French grouping)
            out.append("\xa0")
        elif ord(char) < 256:
            out.append(char)
        else:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def _seller(seller: dict) -> dict:
    address = seller.get("address") or []
    if isinstance(address, str):
        address = address.splitlines()
    return {
        "name": str(seller.get("name") or ""),
        "address": [str(line) for line in address if str(line).strip()],
        "email": str(seller.get("email") or ""),
    }


def _header(pdf: _InvoicePdf, invoice: Invoice, seller: dict) -> None:
    top = pdf.get_y()
    pdf.use(16, "B")
    pdf.multi_cell(100, 7, pdf.text_of(seller["name"]), align="L", new_x=XPos.LMARGIN)
    pdf.ln(1)
    pdf.use(9, colour=MUTED)
    for line in [*seller["address"], seller["email"]]:
        if line:
            pdf.cell(100, 4.6, pdf.text_of(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()

    pdf.set_xy(120, top)
    pdf.use(22, "B", ACCENT)
    word = gettext("Invoice").upper()
    pdf.cell(72, 9, pdf.text_of(word), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.ln(2)
    facts = [
        (gettext("Invoice number"), invoice.display_number),
        (gettext("Issue date"), format_day(invoice.issued_at)),
        (gettext("Due date"), format_day(invoice.due_at)),
    ]
    if invoice.paid_at:
        facts.append((gettext("Paid on"), format_day(invoice.paid_at)))
    for name, value in facts:
        pdf.set_x(120)
        pdf.use(9, colour=MUTED)
        pdf.cell(36, 5.5, pdf.text_of(name))
        pdf.use(9, "B")
        pdf.cell(36, 5.5, pdf.text_of(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(120)
    _status_badge(pdf, invoice.status)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 8)


def _status_badge(pdf: _InvoicePdf, status: str) -> None:
    pdf.ln(1.5)
    text = pdf.text_of(label("invoice_status", status).upper())
    pdf.use(9, "B", (255, 255, 255))
    width = pdf.get_string_width(text) + 8
    pdf.set_fill_color(*STATUS_COLOURS.get(status, MUTED))
    pdf.set_x(192 - width)
    pdf.cell(width, 6.5, text, align="C", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _bill_to(pdf: _InvoicePdf, invoice: Invoice) -> None:
    pdf.use(8, "B", MUTED)
    bill_to = pdf.text_of(gettext("Bill to").upper())
    pdf.cell(0, 5, bill_to, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    lines = invoice.billing_lines() or ["—"]
    for index, line in enumerate(lines):
        pdf.use(10, "B" if index == 0 else "")
        pdf.cell(120, 5.2, pdf.text_of(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)


def _lines(pdf: _InvoicePdf, invoice: Invoice) -> None:
    pdf.use(9, "B", MUTED)
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(
        cell_fill_mode="NONE",
        col_widths=(98, 16, 30, 30),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        borders_layout="HORIZONTAL_LINES",
        line_height=6.5,
        padding=(1.6, 1.5),
        first_row_as_headings=True,
        headings_style=_heading_style(pdf),
    ) as table:
        headings = (
            gettext("Description"),
            gettext("Qty"),
            gettext("Unit price"),
            gettext("Amount"),
        )
        table.row(tuple(pdf.text_of(heading) for heading in headings))
        pdf.use(9.5)
        for line in invoice.lines:
            table.row(
                (
                    pdf.text_of(line.description),
                    str(line.quantity),
                    pdf.text_of(invoice.money(line.unit_price)),
                    pdf.text_of(invoice.money(line.amount)),
                )
            )
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)


def _heading_style(pdf: _InvoicePdf):
    from fpdf.fonts import FontFace

    family = "DejaVu" if pdf.unicode else "Helvetica"
    return FontFace(family=family, emphasis="BOLD", size_pt=8.5, color=MUTED, fill_color=None)


def _totals(pdf: _InvoicePdf, invoice: Invoice) -> None:
    if pdf.get_y() > pdf.h - pdf.b_margin - 40:  # keep the totals together
        pdf.add_page()
    rows = [(gettext("Subtotal"), invoice.subtotal)]
    if invoice.discount:
        rows.append((gettext("Discount"), -invoice.discount))
    rows.append((gettext("Tax (%(rate)s)", rate=invoice.tax_percent), invoice.tax))
    for name, amount in rows:
        _total_row(pdf, name, invoice.money(amount), size=9.5)
    pdf.set_draw_color(*INK)
    pdf.line(116, pdf.get_y() + 1, 192, pdf.get_y() + 1)
    pdf.ln(2.5)
    total = gettext("Total (%(currency)s)", currency=invoice.currency)
    _total_row(pdf, total, invoice.money(invoice.total), size=12, bold=True)
    pdf.ln(8)


def _total_row(pdf: _InvoicePdf, label: str, value: str, *, size: float, bold=False) -> None:
    pdf.set_x(116)
    pdf.use(size, "B" if bold else "", INK if bold else MUTED)
    pdf.cell(40, size * 0.55, pdf.text_of(label))
    pdf.use(size, "B" if bold else "")
    pdf.cell(36, size * 0.55, pdf.text_of(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _payment(pdf: _InvoicePdf, invoice: Invoice) -> None:
    note = payment_note(invoice)
    if not note:
        return
    title, text = note
    pdf.set_fill_color(246, 247, 247)
    pdf.use(10, "B")
    pdf.multi_cell(
        0,
        6,
        pdf.text_of(title),
        align="L",
        fill=True,
        padding=(2.5, 2, 0.5, 2),
        new_x=XPos.LMARGIN,
    )
    pdf.use(9.5)
    pdf.multi_cell(
        0,
        5.2,
        pdf.text_of(text),
        align="L",
        fill=True,
        padding=(0, 2, 2.5, 2),
        new_x=XPos.LMARGIN,
    )


def payment_note(invoice: Invoice) -> tuple[str, str] | None:
    """The closing note of an invoice as (title, text): how to pay a pending invoice (its
    gateway's instructions), or what happened to it; None when there is nothing to say."""
    if invoice.status == "pending":
        gateway = GATEWAYS.get(invoice.gateway)
        return (gettext("How to pay"), gateway.instructions(invoice)) if gateway else None
    notes = {
        "paid": gettext("Paid in full on %(day)s. Thank you!", day=format_day(invoice.paid_at))
        if invoice.paid_at
        else gettext("Paid in full. Thank you!"),
        "refunded": gettext("This invoice was refunded."),
        "cancelled": gettext("This invoice was cancelled; nothing is owed."),
        "failed": gettext("The payment of this invoice failed. Please contact us."),
    }
    return (gettext("Payment"), notes[invoice.status]) if invoice.status in notes else None
