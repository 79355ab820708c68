"""Marshmallow schemas, one module per resource; instantiated once at import."""
