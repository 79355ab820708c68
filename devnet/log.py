"""One-line progress messages on stderr (stdout is kept for results)."""

import sys


def say(message: str) -> None:
    """Print ``devnet: message`` to stderr and flush it at once."""
    print(f"devnet: {message}", file=sys.stderr, flush=True)
