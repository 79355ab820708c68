"""Benchmarks: each compares the sidecar with a baseline and reports a ratio (see README)."""
