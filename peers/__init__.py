"""Peer implementations that offramp is checked and timed against (development only).

Not part of the installed package: the tests (``pythonpath`` in pyproject.toml) and the
benchmarks (a path entry of their own) import this folder from the repository's root. The
peers themselves come with the ``dev`` extra (``pip install -e .[dev]``).
"""
