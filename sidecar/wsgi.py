"""gunicorn target: ``gunicorn 'sidecar.wsgi:app'``. Loads and checks the configuration."""

from __future__ import annotations

import sys

from .config import ConfigError

try:
    from . import create_app

    app = create_app()
except ConfigError as error:
    for line in error.problems:
        print(f"config: {line}", file=sys.stderr)
    sys.exit(4)
