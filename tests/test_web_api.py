"""The dashboard's JSON API: scenarios, parameters, jobs, downloads, limits and bad input."""

from __future__ import annotations

import io
import time
import warnings

import pandas as pd
import pytest

with warnings.catch_warnings():
    # Starlette suggests httpx2 for its TestClient; httpx is what this project pins
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from offramp.scenario.loading import load_scenario
from offramp.study import run_study
from offramp.web.app import KEY_PARAMETERS, Limits, create_app

SMALL = {"runs": 20, "horizon": 12, "policies": ["fight-on", "armistice"]}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Limits(max_runs=1000, max_horizon=120, max_active_jobs=2))) as c:
        yield c


def _wait(client: TestClient, job_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']} after {timeout} s"
        time.sleep(0.05)


def _run(client: TestClient, **body) -> dict:
    response = client.post("/api/jobs", json={**SMALL, **body})
    assert response.status_code == 202, response.text
    return _wait(client, response.json()["job_id"])


def _field_error(response, *location) -> str:
    assert response.status_code == 422, response.text
    details = response.json()["detail"]
    matching = [d for d in details if tuple(d["loc"][1:]) == location]
    assert matching, details
    return matching[0]["msg"]


def test_scenarios_lists_the_bundled_scenario_with_policies(client):
    scenarios = client.get("/api/scenarios").json()
    ukraine = next(s for s in scenarios if s["name"] == "ukraine-2022")
    assert [p["name"] for p in ukraine["policies"]] == load_scenario("ukraine-2022").policy_names
    assert ukraine["assumption_sets"][0] == "scenario"


def test_parameters_carry_value_unit_range_source_and_slider_ends(client):
    parameters = client.get("/api/scenarios/ukraine-2022/parameters").json()
    by_path = {p["path"]: p for p in parameters}
    assert {p["path"] for p in parameters if p["key"]} == set(KEY_PARAMETERS)
    for p in parameters:
        assert p["unit"] is not None and p["source"] and p["range"]
        assert p["slider_min"] <= p["value"] <= p["slider_max"], p["path"]
        assert p["step"] > 0
    audience = by_path["ratification.audience_cost"]
    assert audience["source"].startswith("Tomz 2007")
    assert (audience["ge"], audience["le"], audience["value"]) == (0.0, 1.0, 0.16)
    # a strict bound is not an allowed value: the slider stops inside it
    discount = by_path["bargaining.discount"]
    assert 0 < discount["slider_min"] and discount["slider_max"] < 1
    # one-sided range: the slider's far end is documented as open
    assert by_path["battlefield.defender_force"]["open_range"] is True


def test_unknown_scenario_is_404_and_unknown_assumptions_422(client):
    assert client.get("/api/scenarios/nope/parameters").status_code == 404
    response = client.get("/api/scenarios/ukraine-2022/parameters?assumptions=nope")
    assert "unknown assumption set 'nope'" in _field_error(response, "assumptions")


def test_job_summary_is_the_studys_summary(client):
    job = _run(client, seed=5)
    assert job["status"] == "done" and job["progress"] == 1.0
    assert job["policies_done"] == SMALL["policies"]
    expected = run_study(
        load_scenario("ukraine-2022"), policies=SMALL["policies"], runs=20, seed=5, horizon=12
    ).summary()
    assert job["summary"] == expected
    assert job["manifest"]["runs"] == 20 and job["manifest"]["seed"] == 5


def test_overrides_change_the_scenario_and_are_recorded(client):
    plain = _run(client, seed=1)
    moved = _run(client, seed=1, overrides={"territory.held_share": 0.5})
    assert moved["request"]["overrides"] == {"territory.held_share": 0.5}
    assert moved["manifest"]["overrides"] == {"territory.held_share": 0.5}
    assert moved["manifest"]["scenario_sha256"] != plain["manifest"]["scenario_sha256"]
    low = moved["summary"]["fight-on"]["territory_at_horizon"]["median"]
    assert low < plain["summary"]["fight-on"]["territory_at_horizon"]["median"] - 0.2


def test_downloads_csv_parquet_and_report(client):
    job = _run(client)
    base = f"/api/jobs/{job['job_id']}"
    csv = client.get(f"{base}/outcomes.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    from_csv = pd.read_csv(io.StringIO(csv.text))
    from_parquet = pd.read_parquet(io.BytesIO(client.get(f"{base}/outcomes.parquet").content))
    assert len(from_csv) == len(from_parquet) == 20 * 2
    assert list(from_parquet["policy"].unique()) == SMALL["policies"]
    assert from_csv["territory_at_horizon"].to_numpy() == pytest.approx(
        from_parquet["territory_at_horizon"].to_numpy()
    )
    report = client.get(f"{base}/report.html")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert report.text.count('<figure class="chart"') == 4
    charts = client.get(f"{base}/charts").json()
    assert len(charts["months"]) == 13
    bands = charts["policies"]["armistice"]["territory_bands"]
    assert set(bands) == {"p05", "p25", "median", "p75", "p95"} and len(bands["median"]) == 13


@pytest.mark.parametrize(
    ("body", "location", "words"),
    [
        ({"runs": 1001}, ("runs",), "at most 1000"),
        ({"runs": 0}, ("runs",), "greater than or equal to 1"),
        ({"runs": "many"}, ("runs",), "valid integer"),
        ({"horizon": 121}, ("horizon",), "at most 120"),
        ({"scenario": "../../etc/passwd"}, ("scenario",), "unknown scenario"),
        ({"scenario": "/etc/passwd.toml"}, ("scenario",), "ukraine-2022"),
        ({"policies": ["fight-on", "surrender"]}, ("policies", 1), "unknown policy 'surrender'"),
        ({"policies": []}, ("policies",), "at least 1"),
        ({"assumptions": "nope"}, ("assumptions",), "allowed: scenario"),
        ({"overrides": {"no.such": 1}}, ("overrides", "no.such"), "unknown parameter"),
        (
            {"overrides": {"bargaining.emboldening": 7}},
            ("overrides", "bargaining.emboldening"),
            "less than or equal to 5",
        ),
        (
            {"overrides": {"leadership.election_delay": 6.5}},
            ("overrides", "leadership.election_delay"),
            "whole number",
        ),
        ({"overrides": {"bargaining.war_aim": "high"}}, ("overrides", "bargaining.war_aim"), ""),
        ({"colour": "red"}, ("colour",), "Extra inputs"),
    ],
)
def test_bad_job_requests_are_422_naming_the_field(client, body, location, words):
    message = _field_error(client.post("/api/jobs", json={**SMALL, **body}), *location)
    assert words in message


def test_non_finite_override_is_refused(client):
    body = '{"runs": 5, "horizon": 3, "overrides": {"bargaining.emboldening": NaN}}'
    response = client.post("/api/jobs", content=body, headers={"Content-Type": "application/json"})
    assert "finite" in _field_error(response, "overrides", "bargaining.emboldening")


def test_unknown_job_is_404(client):
    assert client.get("/api/jobs/deadbeef").status_code == 404
    assert client.get("/api/jobs/deadbeef/outcomes.csv").status_code == 404


def test_concurrent_jobs_beyond_the_limit_are_429_and_unfinished_downloads_409():
    with TestClient(create_app(Limits(max_active_jobs=1))) as client:
        first = client.post("/api/jobs", json={"runs": 400, "horizon": 120})
        assert first.status_code == 202
        job_id = first.json()["job_id"]
        second = client.post("/api/jobs", json=SMALL)
        assert second.status_code == 429
        assert "limit" in second.json()["detail"]
        early = client.get(f"/api/jobs/{job_id}/outcomes.csv")
        if client.get(f"/api/jobs/{job_id}").json()["status"] != "done":
            assert early.status_code == 409 and "not done" in early.json()["detail"]
        running = client.get(f"/api/jobs/{job_id}").json()
        assert 0.0 <= running["progress"] <= 1.0
        assert _wait(client, job_id)["status"] == "done"
        assert client.post("/api/jobs", json=SMALL).status_code == 202


def test_openapi_spec_documents_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/scenarios",
        "/api/scenarios/{name}/parameters",
        "/api/jobs",
        "/api/jobs/{job_id}",
        "/api/jobs/{job_id}/outcomes.csv",
        "/api/jobs/{job_id}/outcomes.parquet",
        "/api/jobs/{job_id}/report.html",
        "/api/deals",
        "/api/poll",
        "/api/window",
    ):
        assert path in spec["paths"], path
    for body in ("JobBody", "PollBody", "WindowBody"):
        assert body in spec["components"]["schemas"], body


def test_page_and_scripts_are_served_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200
    scripts = [s for s in page.text.split('src="')[1:]]
    sources = [s.split('"')[0] for s in scripts]
    assert sources == ["/static/plotly.min.js", "/static/app.js"]
    assert "http://" not in page.text.replace('href="/docs"', "") and "https://" not in page.text
    plotly = client.get("/static/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def test_each_policys_levers_are_sliders_that_move_that_policy_only(client):
    from offramp.web.app import _apply_overrides

    parameters = {p["path"]: p for p in client.get("/api/scenarios/ukraine-2022/parameters").json()}
    lever = parameters["policies.armistice.guarantee_credibility"]
    assert (lever["policy"], lever["ge"], lever["le"]) == ("armistice", 0.0, 1.0)
    region = next(p for p in parameters.values() if p["region"] is not None)
    ukraine = load_scenario("ukraine-2022")
    moved = _apply_overrides(
        ukraine, {"policies.armistice.guarantee_credibility": 0.9, region["path"]: 0.5}
    )
    assert moved.policy("armistice").guarantee_credibility == 0.9
    for policy in ukraine.policies:
        if policy.name != "armistice":
            assert moved.policy(policy.name) == policy
    shares = {r.name: r.no_concessions_share for r in moved.population.regions}
    assert shares[region["region"]] == 0.5
    response = client.post(
        "/api/jobs", json={**SMALL, "overrides": {"policies.armistice.guarantee_credibility": 2}}
    )
    assert response.status_code == 422, response.text


def test_the_registry_is_served_with_the_summary_columns(client):
    from offramp.outcomes import OUTCOMES, summary_columns

    served = client.get("/api/outcomes").json()
    assert [o["name"] for o in served["outcomes"]] == list(OUTCOMES)
    assert [c["key"] for c in served["summary_columns"]] == [c.key for c in summary_columns()]
    job = _run(client)
    for column in served["summary_columns"]:
        assert column["key"] in job["summary"]["armistice"]


# --- the deal builder: deals, poll, window -------------------------------------------------


def _bundled(name: str = "european-plan-may-2025") -> dict:
    from offramp.scenario.deal import load_deal

    return load_deal(name).model_dump(mode="json")


def test_deals_lists_the_bundled_deals_and_the_schemas_vocabulary(client):
    from offramp.scenario.deal import (
        GUARANTEES,
        RATIFICATION,
        SANCTIONS,
        Deal,
        bundled_deals,
        deal_from_mapping,
    )

    served = client.get("/api/deals").json()
    assert [d["name"] for d in served["deals"]] == list(bundled_deals())
    for table in served["deals"]:
        assert deal_from_mapping(table).model_dump(mode="json") == table
    terms = {t["path"]: t for t in served["vocabulary"]}
    groups = ("territory", "security", "economy", "politics", "process")
    expected = {
        f"{group}.{name}"
        for group in groups
        for name in Deal.model_fields[group].annotation.model_fields
    }
    assert set(terms) == expected
    assert terms["security.guarantees"]["allowed"] == list(GUARANTEES)
    assert terms["economy.sanctions"]["allowed"] == list(SANCTIONS)
    assert terms["process.ratification"]["allowed"] == list(RATIFICATION)
    assert "all-occupied" in terms["territory.recognized_de_jure"]["allowed"]
    # a withdrawal only from what the defender holds: Crimea and Sevastopol are not offered
    withdraw = terms["territory.withdraw_from"]
    assert withdraw["kind"] == "areas" and "donetsk" in withdraw["allowed"]
    assert "crimea" not in withdraw["allowed"] and "sevastopol" not in withdraw["allowed"]
    assert terms["security.army_cap"]["minimum"] == 0
    days = terms["process.ceasefire_days_before_vote"]
    assert (days["kind"], days["minimum"], days["maximum"]) == ("integer", 0, 3650)
    assert terms["politics.eu_path"]["kind"] == "bool" and terms["politics.eu_path"]["default"]


def test_poll_answers_as_the_analysis_does(client):
    from offramp.analysis.negotiation import poll
    from offramp.scenario.deal import deal_from_mapping

    deal = _bundled()
    deal["security"]["guarantees"] = "europe"
    body = {"scenario": "ukraine-2025", "deal": deal, "month": "2025-09", "runs": 30, "seed": 3}
    response = client.post("/api/poll", json=body)
    assert response.status_code == 200, response.text
    expected = poll(
        load_scenario("ukraine-2025"), "2025-09", deal_from_mapping(deal), runs=30, seed=3
    ).to_dict()
    assert response.json() == expected
    for key in ("accept", "reject", "undecided"):
        assert 0 <= expected[key]["p05"] <= expected[key]["median"] <= expected[key]["p95"] <= 1


def test_window_runs_as_a_job_with_progress_and_equals_the_analysis(client):
    from offramp.analysis.negotiation import window
    from offramp.scenario.deal import deal_from_mapping

    deal = _bundled("freeze-without-recognition")
    body = {"deal": deal, "first": "2025-09", "last": "2026-09", "step": 6, "runs": 20}
    response = client.post("/api/window", json={**body, "horizon": 24, "seed": 2})
    assert response.status_code == 202, response.text
    job = _wait(client, response.json()["job_id"])
    assert job["kind"] == "window" and job["status"] == "done" and job["progress"] == 1.0
    assert job["offers_done"] == ["fight-on", "2025-09", "2026-03", "2026-09"]
    assert job["request"]["offer_months"] == ["2025-09", "2026-03", "2026-09"]
    expected = window(
        load_scenario("ukraine-2025"),
        deal_from_mapping(deal),
        [3, 9, 15],
        runs=20,
        seed=2,
        horizon=24,
    )
    assert job["window"] == expected
    # a window is not a study: the study downloads say so
    assert client.get(f"/api/jobs/{job['job_id']}/charts").status_code == 409


def test_an_edited_deal_is_simulated_as_sent_not_as_the_scenarios_namesake(client):
    from offramp.analysis.negotiation import window
    from offramp.scenario.deal import deal_from_mapping

    ukraine = load_scenario("ukraine-2022")
    table = ukraine.deals[0]  # cession-with-guarantees, ratified by referendum
    edited = {**table, "process": {"ratification": "decree"}}
    body = {"scenario": "ukraine-2022", "first": "2024-01", "last": "2024-01", "runs": 40}
    plain = _wait(client, client.post("/api/window", json={**body, "deal": table}).json()["job_id"])
    moved = _wait(
        client, client.post("/api/window", json={**body, "deal": edited}).json()["job_id"]
    )
    assert plain["window"]["deal"] == moved["window"]["deal"] == table["name"]
    alone = ukraine.model_copy(update={"deals": []})
    expected = window(alone, deal_from_mapping(edited), [18], runs=40, seed=ukraine.seed)
    assert moved["window"]["offers"] == expected["offers"]
    ratified = [job["window"]["offers"][0]["p_deal_ratified"] for job in (moved, plain)]
    assert ratified[0] > ratified[1]


@pytest.mark.parametrize(
    ("endpoint", "change", "location", "words"),
    [
        ("poll", {"security": {"army_cap": -5}}, ("deal", "security", "army_cap"), "at least 0"),
        (
            "poll",
            {"territory": {"withdraw_from": ["crimea"]}},
            ("deal", "territory", "withdraw_from", 0),
            "holds none of crimea",
        ),
        (
            "poll",
            {"security": {"guarantee": "none"}},
            ("deal", "security", "guarantee"),
            "unknown term",
        ),
        (
            "window",
            {"economy": {"sanctions": "doubled"}},
            ("deal", "economy", "sanctions"),
            "kept",
        ),
        ("window", {"name": "../etc/passwd"}, ("deal", "name"), "pattern"),
    ],
)
def test_a_bad_term_is_422_naming_the_field(client, endpoint, change, location, words):
    deal = _bundled()
    for key, value in change.items():
        deal[key] = {**deal[key], **value} if isinstance(value, dict) else value
    message = _field_error(client.post(f"/api/{endpoint}", json={"deal": deal}), *location)
    assert words in message


@pytest.mark.parametrize(
    ("endpoint", "body", "location", "words"),
    [
        ("poll", {"runs": 1001}, ("runs",), "at most 1000"),
        ("poll", {"month": "2025-13"}, ("month",), "pattern"),
        ("poll", {"month": "2020-01"}, ("month",), "before the scenario's start"),
        ("poll", {"month": "2040-01"}, ("month",), "at most 120 months"),
        ("poll", {"scenario": "../ukraine-2025.toml"}, ("scenario",), "unknown scenario"),
        ("poll", {"deal": "european-plan-may-2025"}, ("deal",), "valid dictionary"),
        ("poll", {"colour": "red"}, ("colour",), "Extra inputs"),
        ("window", {"runs": 1001}, ("runs",), "at most 1000"),
        ("window", {"horizon": 121}, ("horizon",), "at most 120"),
        ("window", {"first": "2026-01", "last": "2025-12"}, ("last",), "not be before"),
        ("window", {"horizon": 12, "last": "2026-06"}, ("last",), "within the horizon"),
        ("window", {"step": 1, "last": "2029-06"}, ("step",), "at most 25"),
        ("window", {"step": 0}, ("step",), "greater than or equal to 1"),
        ("window", {"scenario": "/etc/passwd"}, ("scenario",), "unknown scenario"),
    ],
)
def test_bad_poll_and_window_requests_are_422_naming_the_field(
    client, endpoint, body, location, words
):
    message = _field_error(
        client.post(f"/api/{endpoint}", json={"deal": _bundled(), **body}), *location
    )
    assert words in message


def test_windows_count_against_the_job_limit():
    with TestClient(create_app(Limits(max_active_jobs=1))) as client:
        body = {"deal": _bundled(), "runs": 300, "step": 1, "last": "2026-06"}
        first = client.post("/api/window", json=body)
        assert first.status_code == 202
        second = client.post("/api/window", json=body)
        assert second.status_code == 429 and "limit" in second.json()["detail"]
        assert _wait(client, first.json()["job_id"])["status"] == "done"


def test_polls_beyond_the_limit_are_429():
    with TestClient(create_app(Limits(max_active_jobs=1))) as client:
        body = {"deal": _bundled(), "runs": 5}
        assert client.post("/api/poll", json=body).status_code == 200
        client.app.state.polls.acquire()  # one poll being answered
        try:
            busy = client.post("/api/poll", json=body)
        finally:
            client.app.state.polls.release()
        assert busy.status_code == 429 and "limit" in busy.json()["detail"]
        assert client.post("/api/poll", json=body).status_code == 200
