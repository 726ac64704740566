"""Lessons as data: parse the lesson files into dataclasses, grade non-code answers.

A lesson file is markdown with YAML front matter and fenced ``exercise``, ``plot`` and ``train``
blocks holding YAML (the format is documented for teachers in ``lessons/README.md``).
:func:`load_curriculum` parses every lesson of a folder; a lesson with any problem is set aside as a
:class:`BrokenLesson` (with file, line and error) and the others load as usual.

The package: :mod:`~tutor.curriculum.model` (the schema and the dataclasses);
:mod:`~tutor.curriculum.loader` (a file's front matter and body), :mod:`~tutor.curriculum.blocks`
(the exercise, plot and train blocks), :mod:`~tutor.curriculum.files` (which files are lessons, reading
them), :mod:`~tutor.curriculum.fences` (no special block lost in silence);
:mod:`~tutor.curriculum.yaml_fields` and :mod:`~tutor.curriculum.yaml_errors` (YAML with file lines);
:mod:`~tutor.curriculum.answers` (numeric answers and grading non-code answers);
:mod:`~tutor.curriculum.cache` (the parsed lessons kept between app start-ups). Loading must stay fast
(it runs at app start-up): no numpy and no grader here. The checks that need the grader live in :mod:`tutor.validation`.
"""

from typing import TYPE_CHECKING, Any

from tutor.curriculum.model import (
    COMMON_KEYS,
    DEFAULT_TIMEOUT,
    DEFAULT_TOLERANCE,
    EVERY_EXERCISE_KEY,
    EXERCISE,
    FORMAT_VERSION,
    FRONT_MATTER,
    FRONT_MATTER_KEYS,
    ID_PATTERN,
    KIND_FIELDS,
    KIND_KEYS,
    KINDS,
    KNOWN_FORMAT_VERSIONS,
    LESSON_SUFFIX,
    MAX_LESSON_BYTES,
    MAX_LESSON_FILE_BYTES,
    MAX_PLOT_CLASSES,
    MAX_PLOT_SAMPLES,
    MAX_TIMEOUT,
    PLOT,
    PLOT_DATASETS,
    PLOT_FUNCTIONS,
    PLOT_KEYS,
    SPECIAL_BLOCKS,
    Block,
    BrokenLesson,
    Curriculum,
    Exercise,
    Lesson,
    MarkdownBlock,
    Numeric,
    ParsedFile,
    PlotBlock,
    PlotSpec,
    Problem,
    TrainBlock,
    display_path,
)

if TYPE_CHECKING:
    from tutor.curriculum.answers import AnswerResult, format_numeric, grade_answer, parse_numeric
    from tutor.curriculum.cache import load_curriculum_cached
    from tutor.curriculum.files import lesson_files
    from tutor.curriculum.loader import load_curriculum, parse_lesson, parse_lesson_files

# Parsing and grading are imported on first use: the app's start-up reads the lessons from the cache
# (``tutor.curriculum.cache``) and needs only the dataclasses of ``model``, not YAML or the parser.
_LAZY = {
    "AnswerResult": "answers",
    "format_numeric": "answers",
    "grade_answer": "answers",
    "parse_numeric": "answers",
    "load_curriculum_cached": "cache",
    "lesson_files": "files",
    "load_curriculum": "loader",
    "parse_lesson": "loader",
    "parse_lesson_files": "loader",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"tutor.curriculum.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'tutor.curriculum' has no attribute {name!r}")


__all__ = [
    "COMMON_KEYS",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOLERANCE",
    "EVERY_EXERCISE_KEY",
    "EXERCISE",
    "FORMAT_VERSION",
    "FRONT_MATTER",
    "FRONT_MATTER_KEYS",
    "ID_PATTERN",
    "KINDS",
    "KIND_FIELDS",
    "KIND_KEYS",
    "KNOWN_FORMAT_VERSIONS",
    "LESSON_SUFFIX",
    "MAX_LESSON_BYTES",
    "MAX_LESSON_FILE_BYTES",
    "MAX_PLOT_CLASSES",
    "MAX_PLOT_SAMPLES",
    "MAX_TIMEOUT",
    "PLOT",
    "PLOT_DATASETS",
    "PLOT_FUNCTIONS",
    "PLOT_KEYS",
    "SPECIAL_BLOCKS",
    "AnswerResult",
    "Block",
    "BrokenLesson",
    "Curriculum",
    "Exercise",
    "Lesson",
    "MarkdownBlock",
    "Numeric",
    "ParsedFile",
    "PlotBlock",
    "PlotSpec",
    "Problem",
    "TrainBlock",
    "display_path",
    "format_numeric",
    "grade_answer",
    "lesson_files",
    "load_curriculum",
    "load_curriculum_cached",
    "parse_lesson",
    "parse_lesson_files",
    "parse_numeric",
]
