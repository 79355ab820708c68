"""``N_``: mark a text for the translation catalogues without translating it yet.

Use it for texts defined once at import time and translated when shown (``gettext(text)``), or
stored in English and translated on the way out. ``make translations`` extracts it (``-k N_``).
"""

from __future__ import annotations


def N_(text: str) -> str:  # the gettext convention for "translate later"
    """Return ``text`` unchanged; the catalogues pick it up."""
    return text
