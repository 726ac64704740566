"""``nntutor progress [--json|--csv]`` against a fixture store, and ``nntutor check --record``."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tutor.cli import main
from tutor.commands.progress import COLUMNS, progress_rows
from tutor.curriculum import load_curriculum
from tutor.store import Store

# 2026-01-02T03:04:05Z and one hour later
T0 = 1767323045.0
T1 = T0 + 3600

GOOD_RELU = "def relu(inputs):\n    return [max(0, x) for x in inputs]\n"
BAD_RELU = "def relu(inputs):\n    return [min(0, x) for x in inputs]\n"


@pytest.fixture
def fixture_store(nntutor_home, monkeypatch):
    """relu: failed at T0, passed at T1, 2 hints; sigmoid: one failed attempt and the solution seen;
    step: the solution seen only; neuron-output: a draft only."""
    clock = iter([T0, T0, T1, T1, T0, T0, T0, T1, T1])
    monkeypatch.setattr("tutor.store.time.time", lambda: next(clock))
    with Store.open(nntutor_home) as store:
        store.record_attempt("relu", False, 10.0)  # T0
        store.record_hint("relu", 2)  # T0
        store.record_attempt("relu", True, 10.0)  # T1
        store.record_hint("relu", 1)  # T1; the count never goes down
        store.record_attempt("sigmoid", False, 5.0)  # T0
        store.record_reveal("sigmoid")  # T0
        store.record_reveal("step")  # T0
        store.save_draft("neuron-output", "output = 1")  # T1
    monkeypatch.undo()
    monkeypatch.setenv("NNTUTOR_HOME", str(nntutor_home))
    return nntutor_home


def by_exercise(rows):
    return {row["exercise"]: row for row in rows}


def test_json_has_every_exercise_with_its_record(fixture_store, capsys):
    assert main(["progress", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = by_exercise(data["exercises"])
    assert [row["exercise"] for row in data["exercises"]] == [e.id for e in load_curriculum().exercises]
    assert rows["relu"] == {
        "lesson": "activation-functions",
        "exercise": "relu",
        "kind": "code",
        "status": "passed",
        "attempts": 2,
        "hints_used": 2,
        "solution_seen": False,
        "first_attempt": "2026-01-02T03:04:05Z",
        "last_attempt": "2026-01-02T04:04:05Z",
        "diagnoses": [],
    }
    assert rows["sigmoid"]["status"] == "solution revealed" and rows["sigmoid"]["attempts"] == 1
    assert rows["step"]["status"] == "solution revealed" and rows["step"]["attempts"] == 0
    assert rows["neuron-output"]["status"] == "not started"  # a draft is not an attempt
    assert data["summary"] == {"exercises": len(data["exercises"]), "passed": 1}


def test_csv_has_a_header_row_and_the_same_rows(fixture_store, capsys):
    assert main(["progress", "--csv"]) == 0
    out = capsys.readouterr().out
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == COLUMNS
    rows = by_exercise([dict(zip(table[0], row)) for row in table[1:]])
    assert len(rows) == len(load_curriculum().exercises)
    assert rows["relu"]["first_attempt"] == "2026-01-02T03:04:05Z"
    assert rows["relu"]["attempts"] == "2" and rows["sigmoid"]["solution_seen"] == "yes"
    assert rows["bias-to-zero"]["status"] == "not started" and rows["bias-to-zero"]["last_attempt"] == ""


def test_a_learner_who_did_nothing_gets_the_full_list_not_started(capsys, nntutor_home):
    assert main(["progress", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["exercises"]
    assert rows and all(row["status"] == "not started" and row["attempts"] == 0 for row in rows)
    assert not (nntutor_home / "progress.sqlite3").exists()  # progress only reads


def test_text_table_fits_80_columns(fixture_store, capsys):
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "1 of" in out.splitlines()[-1]


def test_rows_come_from_any_store():
    store = Store.in_memory()
    store.record_attempt("relu", True, 1.0)
    rows = {row.exercise: row for row in progress_rows(load_curriculum(), store)}
    assert rows["relu"].status == "passed" and rows["step"].status == "not started"


def test_json_and_csv_together_are_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["progress", "--json", "--csv"])
    assert exit_.value.code == 2


# ------------------------------------------------------------------------------ check --record


def test_check_records_only_with_record(tmp_path, capsys, nntutor_home):
    answer = tmp_path / "relu.py"
    answer.write_text(BAD_RELU)
    assert main(["check", "relu", str(answer)]) == 1
    assert not (nntutor_home / "progress.sqlite3").exists()  # side-effect free by default
    assert main(["check", "relu", str(answer), "--record"]) == 1
    answer.write_text(GOOD_RELU)
    assert main(["check", "relu", str(answer), "--record", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{") :])["recorded"] is True
    with Store.open(nntutor_home) as store:
        assert [attempt.passed for attempt in store.attempts("relu")] == [False, True]
    assert main(["progress", "--json"]) == 0
    rows = by_exercise(json.loads(capsys.readouterr().out)["exercises"])
    assert rows["relu"]["status"] == "passed" and rows["relu"]["attempts"] == 2
