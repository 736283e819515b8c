"""The registry of outcomes: the engine writes what it declares, and every face reads it."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from offramp import outcomes as registry
from offramp.analysis import cruxes
from offramp.analysis.robustness import higher_is_better
from offramp.cli.tables import study_table
from offramp.engine.record import TRAJECTORY_READERS
from offramp.engine.simulate import simulate, simulate_policies
from offramp.outcomes import OUTCOMES, TRAJECTORIES, Outcome, UnknownOutcomeError, _q
from offramp.report import study_report
from offramp.study import run_study

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("policy", ["fight-on", "land-for-peace", "armistice"])
def test_the_engine_writes_exactly_the_registrys_outcomes_and_variables(ukraine, policy):
    results = simulate(ukraine, policy, runs=4, seed=3, horizon=24)
    assert list(results.outcomes_data) == [
        name for name in results.outcomes_data if name in OUTCOMES
    ]
    assert set(results.outcomes_data) == set(OUTCOMES)
    for name, values in results.outcomes_data.items():
        assert np.asarray(values).dtype.kind == OUTCOMES[name].kind, name
    assert set(results.trajectory_data) == set(TRAJECTORIES) == set(TRAJECTORY_READERS)
    attributes = results.trajectories["territory"].attrs
    assert attributes == {
        "long_name": TRAJECTORIES["territory"].description,
        "units": TRAJECTORIES["territory"].unit,
    }


def test_an_unknown_metric_or_one_without_a_direction_is_an_error():
    assert higher_is_better("territory_at_horizon") and not higher_is_better("casualties")
    with pytest.raises(UnknownOutcomeError, match="unknown outcome 'casualties_total'"):
        higher_is_better("casualties_total")
    with pytest.raises(UnknownOutcomeError, match="no better direction"):
        higher_is_better("ceasefire_month")
    assert higher_is_better("ceasefire_month", lower_is_better=True) is False


def test_every_ranked_outcome_has_a_label_unit_and_phrase():
    for entry in registry.ranked_outcomes():
        assert entry.label and entry.unit and entry.description and entry.phrase, entry.name
        assert cruxes.phrase(entry.name, entry.better == "higher") == entry.phrase
    assert cruxes.phrase("casualties", True) == "does better on casualties (higher is better)"


def test_one_label_per_quantity_in_the_summary_columns():
    columns = registry.summary_columns()
    assert [c.name for c in columns] == [
        "territory_at_horizon",
        "deal_signed",
        "deal_ratified",
        "war_resumed_60m",
        "leader_removed",
        "peak_protest",
        "months_at_war",
        "casualties",
    ]
    for column in columns:
        assert column.label == OUTCOMES[column.name].label
    labels = [entry.label for entry in OUTCOMES.values()]
    assert len(set(labels)) == len(labels)
    row = {"p_deal_signed": 0.5, "casualties": {"median": 4.2e6, "p05": 1e6, "p95": 5e6}}
    by_name = {c.name: c for c in columns}
    assert by_name["deal_signed"].cell(row) == "50%"
    assert by_name["casualties"].cell(row) == "4200 [1000, 5000]"
    assert by_name["deal_ratified"].cell(row) == "n/a"


def test_docs_model_tables_are_the_registrys():
    text = (ROOT / "docs" / "model.md").read_text()
    assert registry.outcomes_markdown() in text, "regenerate docs/model.md's outcome table"
    assert registry.trajectories_markdown() in text, "regenerate docs/model.md's trajectories"


# --- a new outcome is one registry entry and appears in every face -------------------------

NEW = Outcome(
    "deaths_per_month",
    "deaths per month of war",
    "persons/month",
    "casualties divided by the months at war",
    "f",
    "lower",
    "costs fewer lives a month",
    _q(column=True, interval=True, scale=1.0, digits=0, display_unit="persons"),
)


@pytest.fixture
def with_new_outcome(monkeypatch):
    """The registry with one more outcome, and an engine that writes it."""
    import offramp.study

    monkeypatch.setitem(OUTCOMES, NEW.name, NEW)

    def engine(*args, **kwargs):
        for results in simulate_policies(*args, **kwargs):
            data = results.outcomes_data
            data[NEW.name] = 1000.0 + data["run"].astype(float)  # a synthetic, known value
            yield results

    monkeypatch.setattr(offramp.study, "simulate_policies", engine)


def test_a_new_registry_entry_appears_in_the_cli_table_the_report_and_the_dashboard(
    ukraine, with_new_outcome
):
    study = run_study(ukraine, policies=["fight-on", "armistice"], runs=5, horizon=12, seed=1)
    summary = study.summary()["armistice"][NEW.name]
    assert summary == {"median": 1002.0, "p05": 1000.2, "p95": 1003.8}
    cell = "1002 [1000, 1004]"

    console = Console(record=True, width=250)
    console.print(study_table(study))
    cli = console.export_text()
    assert all(word in cli for word in NEW.label.split())  # the heading wraps in the CLI
    assert cell in cli

    report = study_report(study)[0]
    assert "deaths per month of war, persons (median [5%, 95%])" in report
    assert cell in report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from offramp.web.app import Limits, create_app

    with TestClient(create_app(Limits(max_runs=10, max_horizon=12))) as client:
        served = client.get("/api/outcomes").json()
        assert NEW.name in [o["name"] for o in served["outcomes"]]
        column = next(c for c in served["summary_columns"] if c["name"] == NEW.name)
        assert column["title"] == "deaths per month of war, persons (median [5%, 95%])"
        body = {"runs": 5, "horizon": 12, "seed": 1, "policies": ["fight-on", "armistice"]}
        job_id = client.post("/api/jobs", json=body).json()["job_id"]
        deadline = time.monotonic() + 60
        while (job := client.get(f"/api/jobs/{job_id}").json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert job["summary"]["armistice"][column["key"]] == summary
