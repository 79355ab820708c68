"""Business logic, free of Flask: each function receives its collaborators (``wp``, ``db``)."""
