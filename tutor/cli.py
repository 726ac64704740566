"""The ``nntutor`` command line.

``nntutor`` with no subcommand starts the app. Each subcommand lives in its own module under
``tutor/commands/`` and is imported only when used, so start-up stays fast.
Usage errors print one line and exit 2; no traceback ever reaches the learner.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tutor.commands import UsageError

# subcommand name -> (module under tutor.commands, one-line help)
SUBCOMMANDS = {
    "check": ("check", "grade a Python file against an exercise"),
    "list": ("list_lessons", "list lessons and exercises with your progress"),
    "validate": ("validate", "check a lessons folder for mistakes"),
    "train": ("train", "train a network on the spiral data in the terminal"),
    "watch": ("watch", "write the code exercises to files and grade each one as you save it"),
    "progress": ("progress", "your progress on every exercise, for a teacher (--json, --csv)"),
    "reset": ("reset", "start an exercise, or the whole course, over"),
    "serve": ("serve", "serve the tutor to a class in the browser (the serve extra)"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit 2 (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        prog = self.prog
        sys.stderr.write(f"{prog}: error: {message}\n")
        raise SystemExit(2)


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the ``selected`` subcommand's module is imported (the others need only
    their name and help line), which keeps every command quick to start."""
    parser = _Parser(prog="nntutor", description="Learn neural networks from scratch with NumPy.")
    from tutor import __version__

    parser.add_argument("--version", action="version", version=f"nntutor {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == selected:
            module = importlib.import_module(f"tutor.commands.{module_name}")
            module.add_arguments(sub)
            sub.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        # The app: import nothing else first, start-up time matters. Start-up makes some 56,000
        # objects that live as long as the app, and the garbage collector would scan them again and
        # again while they are made (about 20 ms of start-up): it is off until the first screen is
        # drawn (the app turns it back on, ``NNTutorApp._started``).
        import gc

        gc.disable()
        from tutor.app import run_app

        return run_app()
    parser = build_parser(selected=argv[0] if argv[0] in SUBCOMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        from tutor.app import run_app

        return run_app()
    try:
        return int(args._module.run(args) or 0)
    except UsageError as error:
        sys.stderr.write(f"nntutor {args.command}: error: {error}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
