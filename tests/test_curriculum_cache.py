"""The parsed-lessons cache used at start-up: a copy that is never stale and never code."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
from pathlib import Path

import pytest

from tutor.curriculum import cache, load_curriculum, load_curriculum_cached
from tutor.paths import LESSONS_DIR

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    shutil.copytree(FIXTURES / "valid_lessons", folder)
    return folder


def parser_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: object = None) -> None:
        raise AssertionError("the lessons were parsed, not read from the cache")

    monkeypatch.setattr("tutor.curriculum.loader.load_curriculum", refuse)


def structure(curriculum: object) -> list[dict[str, object]]:
    """Every field of every lesson, recursively (lessons and exercises compare by identity)."""
    return [dataclasses.asdict(lesson) for lesson in curriculum.lessons]  # type: ignore[attr-defined]


def summary(curriculum: object) -> list[tuple[str, str, list[str]]]:
    return [
        (lesson.id, lesson.title, [exercise.id for exercise in lesson.exercises])
        for lesson in curriculum.lessons  # type: ignore[attr-defined]
    ]


def test_the_second_load_comes_from_the_cache_and_equals_a_parse(lessons, monkeypatch):
    first = load_curriculum_cached(lessons)
    assert cache.cache_file(lessons).is_file()
    parsed = load_curriculum(lessons)
    parser_must_not_run(monkeypatch)
    second = load_curriculum_cached(lessons)
    assert structure(second) == structure(parsed)
    assert summary(second) == summary(first)
    exercise = first.exercises[0]
    assert dataclasses.asdict(second.exercise(exercise.id)[1]) == dataclasses.asdict(exercise)


def test_the_bundled_lessons_round_trip_exactly(monkeypatch):
    parsed = load_curriculum(LESSONS_DIR)
    load_curriculum_cached(LESSONS_DIR)
    parser_must_not_run(monkeypatch)
    cached = load_curriculum_cached(LESSONS_DIR)
    assert structure(cached) == structure(parsed)
    assert cached.broken == parsed.broken == []
    assert len(cached.exercises) == len(parsed.exercises) > 50


@pytest.mark.parametrize("change", ["edit", "add", "remove", "rename", "break"])
def test_any_change_to_the_lessons_folder_parses_again(lessons, change):
    load_curriculum_cached(lessons)
    first = sorted(lessons.glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    if change == "edit":
        first.write_text(text.replace("title: ", "title: Edited ", 1), encoding="utf-8")
    elif change == "add":
        (lessons / "99-extra.md").write_text(text.replace("order: ", "order: 9", 1), encoding="utf-8")
    elif change == "remove":
        first.unlink()
    elif change == "rename":
        first.rename(first.with_suffix(".MD"))
    else:
        first.write_text(text.replace("---\n", "---\n: : :\n", 1), encoding="utf-8")
    assert summary(load_curriculum_cached(lessons)) == summary(load_curriculum(lessons))
    assert [b.path.name for b in load_curriculum_cached(lessons).broken] == [
        b.path.name for b in load_curriculum(lessons).broken
    ]


def test_an_edit_within_the_same_second_and_size_is_seen(lessons):
    """The key holds nanosecond times and the inode: an editor that saves a same-size file in place
    or by renaming a new file over it is seen either way."""
    load_curriculum_cached(lessons)
    first = sorted(lessons.glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    edited = text.replace("title: ", "title: X", 1).replace("\n\n", "\n", 1)
    assert len(edited) == len(text)
    replacement = first.with_name(".saving")
    replacement.write_text(edited, encoding="utf-8")
    os.replace(replacement, first)
    assert summary(load_curriculum_cached(lessons))[0][1].startswith("X")


def test_a_damaged_cache_is_ignored_and_rewritten(lessons):
    expected = summary(load_curriculum_cached(lessons))
    path = cache.cache_file(lessons)
    header = path.read_bytes().split(b"\n", 1)[0]
    path.write_bytes(header + b"\nnot a pickle")
    assert summary(load_curriculum_cached(lessons)) == expected
    assert pickle.loads(path.read_bytes().split(b"\n", 1)[1]).lessons  # written again, whole


def test_a_cache_file_cannot_run_code(lessons, tmp_path):
    """A forged cache that names a function (here one that would create a file) is refused: the
    lessons are parsed instead and nothing runs."""
    load_curriculum_cached(lessons)
    path = cache.cache_file(lessons)
    header = path.read_bytes().split(b"\n", 1)[0]
    witness = tmp_path / "ran"

    class Forged:
        def __reduce__(self):
            return (Path.touch, (witness,))

    path.write_bytes(header + b"\n" + pickle.dumps(Forged()))
    assert summary(load_curriculum_cached(lessons)) == summary(load_curriculum(lessons))
    assert not witness.exists()


def test_an_unwritable_cache_folder_still_loads_the_lessons(lessons, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("NNTUTOR_HOME", str(blocker))
    assert summary(load_curriculum_cached(lessons)) == summary(load_curriculum(lessons))


def test_a_missing_folder_raises_as_the_parser_does(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_curriculum_cached(tmp_path / "nowhere")


def test_the_cache_lives_in_nntutor_home(lessons, monkeypatch, tmp_path):
    monkeypatch.setenv("NNTUTOR_HOME", str(tmp_path / "home"))
    load_curriculum_cached(lessons)
    assert [p.parent.name for p in (tmp_path / "home" / "cache").rglob("*.pickle")] == ["curriculum"]


async def test_the_app_reads_its_lessons_from_the_cache_and_collects_garbage_once_drawn(
    lessons, monkeypatch, tmp_path
):
    """Start-up: ``nntutor`` turns the garbage collector off until the first screen is drawn and
    reads the lessons from the cache that an earlier start wrote."""
    import gc

    from tutor.app import NNTutorApp
    from tutor.screens.home import HomeScreen

    expected = summary(load_curriculum_cached(lessons))  # an earlier start-up
    parser_must_not_run(monkeypatch)
    gc.disable()
    try:
        app = NNTutorApp(lessons_dir=lessons, store_dir=tmp_path / "store")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert summary(app.curriculum) == expected
            assert app.screen.lesson_table.row_count == len(expected)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # start-up's survivors are set aside once
    finally:
        gc.unfreeze()
        gc.enable()
