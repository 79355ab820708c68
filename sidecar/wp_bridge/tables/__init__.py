"""Typed readers (and the few safe writers) for WordPress's own tables."""
