"""Scheduled work. ``registry.JOBS`` is the one list; ``sidecar jobs`` runs it under
APScheduler in its own process (never inside gunicorn workers); ``sidecar job run NAME`` runs
one job once. Each run takes a MySQL ``GET_LOCK`` named after the job, so two scheduler copies
(for high availability) never run the same job at once."""
