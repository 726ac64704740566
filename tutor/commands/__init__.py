"""One module per ``nntutor`` subcommand.

Each module defines ``add_arguments(parser)`` and ``run(args) -> int`` (the exit code).
They are imported only when their subcommand runs, so ``nntutor`` starts fast. A command raises
``UsageError`` for a bad value; ``tutor.cli`` prints it as one line and exits 2.
"""

from __future__ import annotations


class UsageError(Exception):
    """A bad command line: ``tutor.cli`` reports it as one line, exit status 2."""
