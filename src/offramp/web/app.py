"""The dashboard's server: a JSON API (FastAPI, with its OpenAPI spec) and the page that uses it.

Endpoints (``/docs`` shows them live)::

    GET  /api/scenarios                       bundled scenarios, policies, assumption sets
    GET  /api/scenarios/{name}/parameters     numeric parameters and each policy's levers:
                                              value, unit, range, source, slider
    GET  /api/limits                          what a job may ask for
    GET  /api/outcomes                        the registry of outcomes, trajectories, columns
    POST /api/jobs                            start a study -> {job_id}
    GET  /api/jobs/{id}                       status, progress, summary when done
    GET  /api/jobs/{id}/charts                data of the dashboard's charts
    GET  /api/jobs/{id}/outcomes.csv|.parquet one row per run and policy
    GET  /api/jobs/{id}/report.html           the HTML report of the job
    GET  /api/deals                           bundled deals and the deal vocabulary (schema)
    POST /api/poll                            the public's answer to a deal at a month
    POST /api/window                          start a deal's window -> {job_id}

Safety: a scenario is chosen by bundled name only, so no client-given text reaches the file
system; runs, horizon and concurrent jobs are bounded (422 naming the field, or 429); every
parameter override is validated by the scenario schema itself (422 naming the parameter),
and every deal by the deal schema (422 naming the term); a deal comes as a table of terms,
never as a file name.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Body, FastAPI, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from offramp import __version__
from offramp.web.jobs import Job, JobManager, StudyRequest, TooManyJobsError, WindowRequest

if TYPE_CHECKING:
    from offramp.report.parameters import ParameterInfo
    from offramp.scenario.schema import Scenario

STATIC = resources.files("offramp.web") / "static"

# The assumptions the op-ed's debate turns on: shown as sliders first, the rest under
# "more parameters". Emboldening, war aims and costs (bargaining), donor fatigue and aid
# (the realists' case), the line's stability, and the chain from opinion through protest
# to the leader's removal and a successor's repudiation (the op-ed's case).
KEY_PARAMETERS = (
    "bargaining.emboldening",
    "bargaining.war_aim",
    "bargaining.invader_war_cost",
    "patrons.aid_level",
    "patrons.fatigue_per_year",
    "battlefield.stalemate_ratio",
    "opinion.weariness",
    "ratification.armistice_leniency",
    "ratification.audience_cost",
    "mobilization.threshold_mean",
    "leadership.critical_protest",
    "leadership.repudiation_probability",
)

# Sliders need two ends; a parameter bounded on one side only gets this many times its
# scenario value (or 1, if that is 0) as the other end. The API still accepts any value the
# schema allows.
OPEN_RANGE_FACTOR = 3.0
SLIDER_STEPS = 100


@dataclass(frozen=True)
class Limits:
    """What one job may ask for, and how many may run at once."""

    max_runs: int = 5000
    max_horizon: int = 240
    max_active_jobs: int = 2
    max_window_offers: int = 25


def catalogue_field(path: str, default: Any, description: str) -> Any:
    """A request field bounded as the catalogue bounds the scenario's ``path``."""
    from offramp.scenario.catalogue import entry

    allowed = entry(path)
    return Field(
        default, ge=allowed.ge, gt=allowed.gt, le=allowed.le, lt=allowed.lt, description=description
    )


class JobBody(BaseModel):
    """A study to run: the POST /api/jobs body."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field("ukraine-2022", description="A bundled scenario's name.")
    assumptions: str = Field("scenario", description="A named assumption set.")
    policies: list[str] | None = Field(
        None, min_length=1, description="Policies to run (all of the scenario's by default)."
    )
    runs: int = catalogue_field("runs", 200, "Runs per policy (at most the server's max_runs).")
    horizon: int | None = catalogue_field(
        "horizon_months", None, "Months to simulate (the scenario's by default)."
    )
    seed: int | None = catalogue_field("seed", None, "Master seed.")
    overrides: dict[str, float] = Field(
        default_factory=dict,
        description="Parameter values by dotted path (see /api/scenarios/{name}/parameters).",
    )


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
DEAL_FIELD = Field(
    description="The deal's table, as a deal file's [deal] (name, description, source, "
    "territory, security, economy, politics, process); see GET /api/deals.",
)


class PollBody(BaseModel):
    """A poll of the modelled public: the POST /api/poll body."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field("ukraine-2025", description="A bundled scenario's name.")
    deal: dict[str, Any] = DEAL_FIELD
    month: str | None = Field(
        None, pattern=MONTH_PATTERN, description="Calendar month (YYYY-MM); the start by default."
    )
    runs: int = catalogue_field("runs", 200, "Runs (at most the server's max_runs).")
    seed: int | None = catalogue_field("seed", None, "Master seed.")


class WindowBody(BaseModel):
    """A deal's window: the POST /api/window body (offers from ``first`` to ``last``)."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field("ukraine-2025", description="A bundled scenario's name.")
    deal: dict[str, Any] = DEAL_FIELD
    first: str | None = Field(
        None, pattern=MONTH_PATTERN, description="First offer month (YYYY-MM); the start."
    )
    last: str | None = Field(
        None,
        pattern=MONTH_PATTERN,
        description="Last offer month (YYYY-MM); by default 36 months after the first.",
    )
    step: int = Field(3, ge=1, le=120, description="Months between offer months.")
    runs: int = catalogue_field("runs", 100, "Runs per offer month (at most max_runs).")
    horizon: int | None = catalogue_field(
        "horizon_months", None, "Months (the scenario's by default)."
    )
    seed: int | None = catalogue_field("seed", None, "Master seed.")


def _deal(table: dict[str, Any]) -> Any:
    """The request's deal, validated by the deal schema (422 naming each field in error)."""
    from offramp.scenario.deal import DealError, deal_from_mapping

    try:
        return deal_from_mapping(table, source="deal")
    except DealError as error:
        raise HTTPException(
            status_code=422,
            detail=[
                {
                    "type": "value_error",
                    "loc": ["body", *_location(problem.field)],
                    "msg": str(problem),
                    "input": _json_safe(problem.value)
                    if isinstance(problem.value, str | int | float | bool)
                    else None,
                }
                for problem in error.problems
            ],
        ) from None


def _location(field: str) -> list[str | int]:
    """``deal.territory.withdraw_from[0]`` as a location: deal, territory, withdraw_from, 0."""
    if not field:
        return ["deal"]
    parts: list[str | int] = []
    for piece in field.replace("]", "").split("."):
        name, *indices = piece.split("[")
        parts.append(name)
        parts.extend(int(index) for index in indices)
    return parts or ["deal"]


def _invalid(location: list[str | int], message: str, value: Any = None) -> HTTPException:
    """A 422 in FastAPI's own validation-error shape, naming the field."""
    return HTTPException(
        status_code=422,
        detail=[
            {
                "type": "value_error",
                "loc": ["body", *location],
                "msg": message,
                "input": _json_safe(value),
            }
        ],
    )


def _bundled_scenario(name: str, location: list[str | int] | None = None) -> Scenario:
    """Load a bundled scenario by name; anything else is refused before any file is read."""
    from offramp.scenario.loading import bundled_scenarios, load_scenario

    bundled = bundled_scenarios()
    if name not in bundled:
        message = f"unknown scenario {name!r}; bundled scenarios: {', '.join(bundled)}"
        if location is None:
            raise HTTPException(status_code=404, detail=message)
        raise _invalid(location, message, name)
    return load_scenario(name)


def _with_assumptions(scenario: Scenario, name: str, location: list[str | int]) -> Scenario:
    from offramp.report.assumptions import UnknownAssumptionsError, apply_named_assumptions

    try:
        return apply_named_assumptions(scenario, name)
    except UnknownAssumptionsError as error:
        raise _invalid(location, str(error), name) from None


def slider(info: ParameterInfo) -> dict[str, Any]:
    """A parameter as the page shows it: value, allowed range and the slider's ends."""
    low = info.lower if info.lower is not None else 0.0
    high = info.upper
    if high is None:
        high = max(OPEN_RANGE_FACTOR * abs(info.value), low + 1.0)
    step = 1.0 if info.integer else _round_step(high - low, info.value)
    # strict bounds (gt, lt) are not allowed values, so the slider stops one step inside
    slider_min = min(low + step if info.gt is not None else low, info.value)
    slider_max = max(high - step if info.lt is not None else high, info.value)
    return {
        **info.to_dict(),
        "key": info.path in KEY_PARAMETERS,
        "slider_min": slider_min,
        "slider_max": slider_max,
        "step": step,
        "open_range": info.upper is None,
    }


def _round_step(width: float, value: float) -> float:
    """A power of ten giving at least ``SLIDER_STEPS`` steps and resolving ``value``'s second
    significant digit, so that the scenario's round values sit on the slider's grid."""
    step = 10.0 ** math.floor(math.log10(width / SLIDER_STEPS))
    if value != 0:
        step = min(step, 10.0 ** (math.floor(math.log10(abs(value))) - 1))
    return step


def _json_safe(value: Any) -> Any:
    """NaN and infinity are not JSON: an error message shows them as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _parameters(scenario: Scenario) -> list[ParameterInfo]:
    """What the page offers as sliders: the model's parameters (from the parameter
    catalogue), then each policy's levers (``policies.<policy>.<lever>``)."""
    from offramp.report.parameters import policy_parameters, scenario_parameters

    return scenario_parameters(scenario) + policy_parameters(scenario)


def _apply_overrides(scenario: Scenario, overrides: dict[str, float]) -> Scenario:
    """The scenario with ``overrides`` set, validated again by the schema."""
    from offramp.scenario.loading import ScenarioError, validate_scenario

    allowed = {info.path: info for info in _parameters(scenario)}
    table = scenario.model_dump()
    for path, value in overrides.items():
        if path not in allowed:
            raise _invalid(
                ["overrides", path],
                f"unknown parameter {path!r}; allowed: {', '.join(sorted(allowed))}",
                value,
            )
        info = allowed[path]
        if info.integer and float(value) != int(value):
            raise _invalid(["overrides", path], "must be a whole number", value)
        number = int(value) if info.integer else float(value)
        if info.policy is not None:
            policy = next(p for p in table["policies"] if p["name"] == info.policy)
            policy[info.name] = number
        elif info.region is not None:
            regions = table["population"]["regions"]
            next(r for r in regions if r["name"] == info.region)[info.name] = number
        else:
            table[info.section][info.name] = number
    try:
        return validate_scenario(table, source="overrides")
    except ScenarioError as error:
        raise HTTPException(
            status_code=422,
            detail=[
                {
                    "type": "value_error",
                    "loc": ["body", "overrides", problem.field],
                    "msg": str(problem),
                    "input": _json_safe(overrides.get(problem.field)),
                }
                for problem in error.problems
            ],
        ) from None


def create_app(limits: Limits | None = None) -> FastAPI:
    """The dashboard application (``offramp serve`` runs it with uvicorn).

    Parameters
    ----------
    limits : Limits, optional
        Bounds on runs, horizon and concurrent jobs (defaults: 5000, 240, 2).
    """
    limits = limits or Limits()
    jobs = JobManager(max_active=limits.max_active_jobs)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="offramp dashboard",
        version=__version__,
        description="Run offramp's policies side by side and download the results.",
    )
    app.state.jobs = jobs
    app.state.limits = limits
    # A poll answers at once (it is not a job), so as many may run at a time as jobs may.
    app.state.polls = threading.BoundedSemaphore(limits.max_active_jobs)

    @app.get("/api/limits")
    def get_limits() -> dict[str, int]:
        """What a job may ask for."""
        return {
            "max_runs": limits.max_runs,
            "max_horizon": limits.max_horizon,
            "max_active_jobs": limits.max_active_jobs,
        }

    @app.get("/api/outcomes")
    def list_outcomes() -> dict[str, Any]:
        """The registry (``offramp.outcomes``): every per-run outcome and trajectory variable
        with its label, unit, meaning and direction, and the summary table's columns (the
        page builds its table from them)."""
        from offramp.outcomes import registry_dict

        return registry_dict()

    @app.get("/api/scenarios")
    def list_scenarios() -> list[dict[str, Any]]:
        """The bundled scenarios with their policies and the assumption sets offered."""
        from offramp.report.assumptions import assumption_set_names
        from offramp.scenario.loading import bundled_scenarios

        offered = []
        for name in bundled_scenarios():
            scenario = _bundled_scenario(name)
            offered.append(
                {
                    "name": name,
                    "title": scenario.meta.title,
                    "description": scenario.meta.description,
                    "start": scenario.meta.start,
                    "horizon_months": scenario.horizon_months,
                    "runs": scenario.runs,
                    "seed": scenario.seed,
                    "policies": [
                        {"name": p.name, "kind": p.kind, "description": p.description}
                        for p in scenario.policies
                    ],
                    "assumption_sets": assumption_set_names(),
                }
            )
        return offered

    @app.get("/api/scenarios/{name}/parameters")
    def list_parameters(
        name: str, assumptions: Annotated[str, Query(description="Assumption set.")] = "scenario"
    ) -> list[dict[str, Any]]:
        """Every numeric parameter with its value (under the assumption set), unit, range and
        source, and the ends of its slider."""
        scenario = _with_assumptions(_bundled_scenario(name), assumptions, ["assumptions"])
        return [slider(info) for info in _parameters(scenario)]

    @app.post("/api/jobs", status_code=202)
    def start_job(body: Annotated[JobBody, Body()]) -> dict[str, str]:
        """Start a study; poll ``GET /api/jobs/{job_id}`` for its progress."""
        if body.runs > limits.max_runs:
            raise _invalid(["runs"], f"at most {limits.max_runs} runs per policy", body.runs)
        scenario = _bundled_scenario(body.scenario, ["scenario"])
        horizon = scenario.horizon_months if body.horizon is None else body.horizon
        if horizon > limits.max_horizon:
            raise _invalid(["horizon"], f"at most {limits.max_horizon} months", horizon)
        policies = body.policies or scenario.policy_names
        for index, policy in enumerate(policies):
            if policy not in scenario.policy_names:
                raise _invalid(
                    ["policies", index],
                    f"unknown policy {policy!r}; allowed: {', '.join(scenario.policy_names)}",
                    policy,
                )
        scenario = _with_assumptions(scenario, body.assumptions, ["assumptions"])
        scenario = _apply_overrides(scenario, body.overrides)
        seed = scenario.seed if body.seed is None else body.seed
        description = {
            **body.model_dump(),
            "policies": list(policies),
            "horizon": horizon,
            "seed": seed,
        }
        request = StudyRequest(
            scenario=scenario,
            policies=list(policies),
            runs=body.runs,
            horizon=horizon,
            seed=seed,
            assumptions=body.assumptions,
            description=description,
        )
        try:
            job = jobs.submit(request)
        except TooManyJobsError as error:
            raise HTTPException(status_code=429, detail=str(error)) from None
        return {"job_id": job.job_id}

    def _job(job_id: str, finished: bool = False) -> Job:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(status_code=404, detail=f"no job {job_id!r} on this server")
        if finished and job.status != "done":
            raise HTTPException(
                status_code=409, detail=f"job {job_id} is {job.status}, not done; poll it first"
            )
        if finished and job.study is None:
            raise HTTPException(
                status_code=409,
                detail=f"job {job_id} is a deal's window, not a study: its result is in "
                "GET /api/jobs/{id}",
            )
        return job

    @app.get("/api/jobs/{job_id}")
    def get_job(job_id: str) -> dict[str, Any]:
        """Status and progress; when done, the summary (as ``Study.summary()``) and manifest."""
        return _job(job_id).to_dict()

    @app.get("/api/jobs/{job_id}/charts")
    def get_charts(job_id: str) -> dict[str, Any]:
        """Per policy: the territory fan (month-by-month median, 50% and 90% bands) and the
        quantiles of the territory held at the horizon (the same five), computed here so that
        the page only draws."""
        from offramp.analysis.summary import BAND_STATISTICS, quantiles, trajectory_bands

        study = _job(job_id, finished=True).study
        assert study is not None
        policies = {}
        for name, result in study.results.items():
            bands = trajectory_bands(result.trajectory_data["territory"])
            at_horizon = result.outcomes["territory_at_horizon"]
            policies[name] = {
                "territory_bands": {key: values.tolist() for key, values in bands.items()},
                "territory_at_horizon": quantiles(at_horizon, BAND_STATISTICS),
            }
        return {"months": list(range(study.horizon + 1)), "policies": policies}

    @app.get("/api/jobs/{job_id}/outcomes.csv", response_class=Response)
    def outcomes_csv(job_id: str) -> Response:
        """All runs' outcomes, one row per run and policy, as CSV."""
        study = _job(job_id, finished=True).study
        assert study is not None
        text = study.outcomes().to_csv(index=False)
        return Response(text, media_type="text/csv", headers=_attachment(job_id, "csv"))

    @app.get("/api/jobs/{job_id}/outcomes.parquet", response_class=Response)
    def outcomes_parquet(job_id: str) -> Response:
        """All runs' outcomes as Parquet."""
        study = _job(job_id, finished=True).study
        assert study is not None
        buffer = io.BytesIO()
        study.outcomes().to_parquet(buffer, index=False)
        return Response(
            buffer.getvalue(),
            media_type="application/vnd.apache.parquet",
            headers=_attachment(job_id, "parquet"),
        )

    @app.get("/api/jobs/{job_id}/report.html", response_class=HTMLResponse)
    def report_html(job_id: str) -> HTMLResponse:
        """The job's HTML report (self-contained; drawn on first request)."""
        return HTMLResponse(_job(job_id, finished=True).report_html())

    @app.get("/api/deals")
    def list_deals() -> dict[str, Any]:
        """The bundled deals (their terms as tables) and the vocabulary of terms with the
        values each allows, read from the deal schema."""
        from offramp.scenario.deal import bundled_deals, load_deal

        deals = [load_deal(name).model_dump(mode="json") for name in bundled_deals()]
        from offramp.scenario.deal_vocabulary import deal_vocabulary

        return {"deals": deals, "vocabulary": deal_vocabulary()}

    def _month(scenario: Scenario, month: str, field: str) -> int:
        from offramp.analysis.negotiation import month_index
        from offramp.scenario.loading import ScenarioError

        try:
            index = month_index(scenario, month, field=field)
        except ScenarioError as error:
            raise _invalid([field], str(error.problems[0]), month) from None
        if index > limits.max_horizon:
            message = f"at most {limits.max_horizon} months after the start ({scenario.meta.start})"
            raise _invalid([field], message, month)
        return index

    @app.post("/api/poll")
    def poll_deal(body: Annotated[PollBody, Body()]) -> dict[str, Any]:
        """The modelled public's answer to a deal at a month: the shares who find it
        acceptable, completely unacceptable or cannot say (median and 90% interval over runs),
        as ``offramp poll --json``."""
        from offramp.analysis.negotiation import poll

        if body.runs > limits.max_runs:
            raise _invalid(["runs"], f"at most {limits.max_runs} runs", body.runs)
        scenario = _bundled_scenario(body.scenario, ["scenario"])
        deal = _deal(body.deal)
        month = body.month or scenario.meta.start
        _month(scenario, month, "month")
        seed = scenario.seed if body.seed is None else body.seed
        if not app.state.polls.acquire(blocking=False):
            raise HTTPException(
                status_code=429,
                detail=f"the server is already answering {limits.max_active_jobs} poll(s), its "
                "limit; ask again when one is answered",
            )
        try:
            return poll(scenario, month, deal, runs=body.runs, seed=seed).to_dict()
        finally:
            app.state.polls.release()

    @app.post("/api/window", status_code=202)
    def start_window(body: Annotated[WindowBody, Body()]) -> dict[str, str]:
        """Start a deal's window (one offer at each month, as ``offramp window``); poll
        ``GET /api/jobs/{job_id}``: its ``window`` is the result when done."""
        from offramp.analysis.negotiation import calendar_month

        if body.runs > limits.max_runs:
            raise _invalid(["runs"], f"at most {limits.max_runs} runs per month", body.runs)
        scenario = _bundled_scenario(body.scenario, ["scenario"])
        horizon = scenario.horizon_months if body.horizon is None else body.horizon
        if horizon > limits.max_horizon:
            raise _invalid(["horizon"], f"at most {limits.max_horizon} months", horizon)
        deal = _deal(body.deal)
        first = _month(scenario, body.first or scenario.meta.start, "first")
        last_text = body.last or calendar_month(scenario.meta.start, min(first + 36, horizon - 1))
        last = _month(scenario, last_text, "last")
        if last < first:
            raise _invalid(["last"], "must not be before first", body.last)
        if last >= horizon:
            raise _invalid(["last"], f"must be within the horizon ({horizon} months)", body.last)
        months = list(range(first, last + 1, body.step))
        if len(months) > limits.max_window_offers:
            message = (
                f"{len(months)} offer months; at most {limits.max_window_offers} "
                "(a later first, an earlier last or a larger step)"
            )
            raise _invalid(["step"], message, body.step)
        seed = scenario.seed if body.seed is None else body.seed
        request = WindowRequest(
            scenario=scenario,
            deal=deal,
            offer_months=months,
            runs=body.runs,
            horizon=horizon,
            seed=seed,
            description={
                **body.model_dump(),
                "offer_months": [calendar_month(scenario.meta.start, m) for m in months],
                "horizon": horizon,
                "seed": seed,
            },
        )
        try:
            job = jobs.submit(request)
        except TooManyJobsError as error:
            raise HTTPException(status_code=429, detail=str(error)) from None
        return {"job_id": job.job_id}

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        # served from the installed plotly package: the page loads nothing from the internet
        from plotly.offline import get_plotlyjs

        return Response(
            get_plotlyjs(),
            media_type="text/javascript",
            headers={"Cache-Control": "max-age=86400"},
        )

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"))

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    return app


def _attachment(job_id: str, extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="offramp-{job_id[:8]}.{extension}"'}
