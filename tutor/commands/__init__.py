"""One module per ``nntutor`` subcommand.

Each module defines ``add_arguments(parser)`` and ``run(args) -> int`` (the exit code).
They are imported only when their subcommand runs, so ``nntutor`` starts fast.
"""
