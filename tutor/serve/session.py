"""One learner's session of ``nntutor serve``: ``python -m tutor.serve.session CLASS_DIR``.

textual-serve starts this for each browser tab (with Textual's web driver in the environment); it is
the ordinary tutor, asking the learner's name first and keeping their progress in the class folder.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write("usage: python -m tutor.serve.session CLASS_DIR\n")
        return 2
    from tutor.app import NNTutorApp

    app = NNTutorApp(class_dir=argv[0])
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
