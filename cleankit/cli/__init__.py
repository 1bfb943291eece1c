"""The ``cleankit`` command: each command is a thin call into the library.

Importing this package registers every command on :func:`~cleankit.cli.app.main`; the library
itself is imported inside the commands, so that ``cleankit --help`` starts fast.
"""

from __future__ import annotations

from cleankit.cli import clean, inspect, rules
from cleankit.cli.app import main

__all__ = ["clean", "inspect", "main", "rules"]
