"""devnet — stand up a real local WordPress multisite network from Debian packages.

Used by ``make demo``, ``make test`` and the benchmarks. Run it as ``python -m devnet``;
see ``devnet/README.md``. Everything it writes lives under ``var/`` and ``.cache/`` at the
repository root. Nothing here is imported by the sidecar itself.
"""
