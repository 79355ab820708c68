"""Business logic, free of Flask: each function receives its collaborators (``wp``, ``db``).
Text for people is marked with Flask-Babel's ``gettext``/``lazy_gettext``, which answer in
English outside a request (jobs, CLI)."""
