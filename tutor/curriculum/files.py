"""Which files of a lessons folder are lessons, and reading one as text.

Nothing is skipped in silence: a file that looks like a lesson but would not be loaded (``*.MD``, a
``.markdown`` file, a dangling symbolic link, a lesson in a subfolder) is reported, and so is a file
too big to show or one that is not UTF-8 (at the line of each bad byte).
"""

from __future__ import annotations

from pathlib import Path

from tutor.curriculum.model import LESSON_SUFFIX, MAX_LESSON_BYTES, ParsedFile

# Other endings a teacher may give a markdown lesson; these files are reported, not loaded.
_MARKDOWN_SUFFIXES = (".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn")
# Editor backups and temporary files: neither loaded nor reported.
_BACKUP_ENDINGS = ("~", ".bak", ".orig", ".swp", ".swo", ".tmp", ".old")


def lesson_files(path: Path) -> list[Path]:
    """The lesson files of a folder (every ``*.md`` file but the README), by name; a file is itself."""
    path = Path(path)
    if path.is_file():
        return [path]
    return sorted(p for p in path.glob("*" + LESSON_SUFFIX) if not _is_readme(p) and p.is_file())


def skipped_files(path: Path) -> list[tuple[Path, str]]:
    """Entries of a lessons folder that look like lessons but would not be loaded, each with the
    sentence that says why and what to do (empty for a single file)."""
    path = Path(path)
    if not path.is_dir():
        return []
    skipped = []
    for entry in sorted(path.iterdir()):
        name = entry.name
        if name.startswith((".", "#")) or name.lower().endswith(_BACKUP_ENDINGS) or _is_readme(entry):
            continue
        reason = _why_skipped(entry)
        if reason is not None:
            skipped.append((entry, reason))
    return skipped


def _is_readme(path: Path) -> bool:
    return path.name.lower() == "readme" + LESSON_SUFFIX


def _why_skipped(entry: Path) -> str | None:
    name, suffix = entry.name, entry.suffix
    stem_md = Path(entry.stem).with_suffix(LESSON_SUFFIX).name
    if entry.is_symlink() and not entry.exists():
        if suffix.lower() == LESSON_SUFFIX or suffix.lower() in _MARKDOWN_SUFFIXES:
            target = _link_target(entry)
            return (
                f"this lesson is a symbolic link to {target}, which does not exist, so it is not "
                "loaded: point the link at the lesson file, or remove it"
            )
        return None
    if entry.is_dir():
        inside = sorted(p.name for p in entry.glob("*" + LESSON_SUFFIX) if not _is_readme(p))
        if suffix == LESSON_SUFFIX:
            return f"{name} is a folder, not a lesson file, so it is not loaded"
        if inside:
            return (
                f"lessons in a subfolder are not loaded ({', '.join(inside[:3])}"
                f"{', ...' if len(inside) > 3 else ''}): move them into the lessons folder itself"
            )
        return None
    if suffix == LESSON_SUFFIX:
        return None  # a lesson: loaded (and a file that cannot be read is reported when it is read)
    if suffix.lower() == LESSON_SUFFIX:
        return f"the name ends in {suffix!r}, not '.md', so the lesson is not loaded: rename it to {stem_md}"
    if suffix.lower() in _MARKDOWN_SUFFIXES:
        return f"lesson files end in '.md', so this one is not loaded: rename it to {stem_md}"
    if ".md." in name.lower():
        real = name[: name.lower().index(".md.") + 3]
        return f"the name ends in {name[len(real) :]!r} after '.md', so the lesson is not loaded: rename it to {real}"
    if suffix.lower() in (".txt", "") and _starts_with_front_matter(entry):
        return f"this file looks like a lesson but does not end in '.md', so it is not loaded: rename it to {stem_md}"
    return None


def _link_target(entry: Path) -> str:
    import os

    try:
        return repr(os.readlink(entry))
    except OSError:
        return "a missing file"


def _starts_with_front_matter(entry: Path) -> bool:
    try:
        with entry.open("rb") as file:
            start = file.read(8)
    except OSError:
        return False
    return start.lstrip(b"\xef\xbb\xbf").startswith(b"---")


def read_lesson_text(path: Path, result: ParsedFile) -> str | None:
    """The file's text with ``\\r\\n`` made ``\\n`` and any BOM dropped, or None when it cannot be used
    (too big, unreadable, UTF-16); problems go to ``result``. A byte that is not UTF-8 is reported at
    its own line and read as U+FFFD, so the rest of the lesson is still checked."""
    try:
        size = path.stat().st_size
        if size > MAX_LESSON_BYTES:
            result.problem(
                1,
                f"the file is {size / 1_000_000:.1f} MB; a lesson may be at most "
                f"{MAX_LESSON_BYTES // 1_000_000} MB (bigger ones are too slow to show): split it into "
                "several lessons, or remove what does not belong in it",
            )
            return None
        raw = path.read_bytes()
    except OSError as error:
        result.problem(
            1, f"cannot read the file: {error.strerror or error} (check that it exists and you may read it)"
        )
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        result.problem(1, "the file is saved as UTF-16 text: save it as UTF-8")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        _report_bad_bytes(raw, result)
        text = raw.decode("utf-8", errors="replace")
    return text.lstrip("\ufeff").replace("\r\n", "\n")


def _report_bad_bytes(raw: bytes, result: ParsedFile) -> None:
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            result.problem(
                number,
                f"byte 0x{line[error.start]:02X} in this line is not UTF-8 text (the file was saved in "
                "another encoding, such as Latin-1 or Windows-1252): save the file as UTF-8",
            )
