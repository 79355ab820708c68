"""Money: ``Decimal`` amounts quantised to 0.01 (ROUND_HALF_UP), never floats, and the ISO 4217
currencies a network may sell in."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# DECIMAL(12,2) holds at most 10 digits before the point.
MAX_AMOUNT = Decimal("9999999999.99")

# ISO 4217 codes accepted (currencies with two minor units), most used first; the value is the
# symbol written before the amount, or "" to write the code after it ("12.50 CHF").
_SYMBOLS = {
    "EUR": "€ ",
    "USD": "$",
    "GBP": "£",
    "CHF": "",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "SEK": "",
    "NOK": "",
    "DKK": "",
    "PLN": "",
    "CZK": "",
    "HUF": "",
    "RON": "",
    "BGN": "",
    "TRY": "",
    "ZAR": "",
    "BRL": "R$",
    "MXN": "",
    "INR": "₹",
    "SGD": "",
    "HKD": "",
    "CNY": "",
    "AED": "",
}
CURRENCIES: tuple[str, ...] = tuple(_SYMBOLS)


def money(value: Decimal | int | str | float) -> Decimal:
    """Parse ``value`` into a Decimal quantised to 0.01 (ROUND_HALF_UP).

    Accepts Decimals, ints, strings like ``"12.5"`` and floats (through their shortest repr).
    Raises ValueError for anything else, for text that is not a number, and for NaN/infinity.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str | float):
        raise ValueError(f"not an amount of money: {value!r}")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise ValueError(f"not an amount of money: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount of money: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | int | str, currency: str) -> str:
    """Write an amount for people: ``"€ 12.50"``, ``"$1,250.00"``, ``"12.50 CHF"``.

    Raises ValueError when ``amount`` is not a number.
    """
    value = money(amount)
    digits = f"{abs(value):,.2f}"
    sign = "-" if value < 0 else ""
    symbol = _SYMBOLS.get(currency.upper(), "")
    if symbol:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{digits} {currency.upper()}"
