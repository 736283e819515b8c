"""Studies run for the dashboard in worker threads, with progress a page can poll.

A job is one :func:`offramp.study.run_study` call (a study, progress by policy) or one
:func:`offramp.analysis.negotiation.window` call (a deal's window, progress by offer month:
the fighting-on baseline, then each month). Jobs run in a small thread pool (the
engine's NumPy and Numba kernels release the GIL for most of their time, so a thread keeps
the server answering while a study runs); a job reports progress as policies finish. The
manager refuses a new job while ``max_active`` jobs are queued or running, and forgets the
oldest finished jobs beyond ``max_kept``, so memory stays bounded however long it serves.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from offramp.scenario.deal import Deal
    from offramp.scenario.schema import Scenario
    from offramp.study import Study

JobStatus = Literal["queued", "running", "done", "failed"]


class TooManyJobsError(RuntimeError):
    """The server already runs as many jobs as it allows."""


@dataclass
class StudyRequest:
    """What a job runs: a validated scenario (assumptions and overrides applied) and options."""

    scenario: Scenario
    policies: list[str]
    runs: int
    horizon: int
    seed: int
    assumptions: str
    description: dict[str, Any]

    @property
    def steps(self) -> int:
        """Units of progress: the policies."""
        return len(self.policies)


@dataclass
class WindowRequest:
    """A deal's window: the deal offered once at each of ``offer_months`` (month indices)."""

    scenario: Scenario
    deal: Deal
    offer_months: list[int]
    runs: int
    horizon: int
    seed: int
    description: dict[str, Any]

    @property
    def steps(self) -> int:
        """Units of progress: the fighting-on baseline, then each offer month."""
        return len(self.offer_months) + 1


@dataclass
class Job:
    """One study run for a client, with its status and, when done, its result."""

    job_id: str
    request: StudyRequest | WindowRequest
    status: JobStatus = "queued"
    policies_done: list[str] = field(default_factory=list)  # or, for a window, offers done
    error: str | None = None
    study: Study | None = None
    window: dict[str, Any] | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    _summary: dict[str, Any] | None = None
    _report: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def kind(self) -> Literal["study", "window"]:
        return "window" if isinstance(self.request, WindowRequest) else "study"

    @property
    def progress(self) -> float:
        """Share of the job done (policies, or offer months, finished over those asked)."""
        if self.status == "done":
            return 1.0
        return len(self.policies_done) / self.request.steps

    def summary(self) -> dict[str, Any] | None:
        """``Study.summary()`` of the finished job (computed once)."""
        if self.study is None:
            return None
        with self._lock:
            if self._summary is None:
                self._summary = self.study.summary()
            return self._summary

    def report_html(self) -> str:
        """The HTML report of the finished job (drawn once, on first request)."""
        from offramp.report import study_report

        assert self.study is not None
        with self._lock:
            if self._report is None:
                self._report, _figures = study_report(self.study)
            return self._report

    def to_dict(self) -> dict[str, Any]:
        """The job as the API shows it."""
        now = self.finished or time.time()
        if isinstance(self.request, WindowRequest):
            return {
                "job_id": self.job_id,
                "kind": "window",
                "status": self.status,
                "progress": self.progress,
                "offers_done": list(self.policies_done),
                "offers_total": self.request.steps,
                "elapsed_seconds": None if self.started is None else round(now - self.started, 3),
                "error": self.error,
                "request": self.request.description,
                "window": self.window if self.status == "done" else None,
            }
        return {
            "job_id": self.job_id,
            "kind": "study",
            "status": self.status,
            "progress": self.progress,
            "policies_done": list(self.policies_done),
            "policies_total": len(self.request.policies),
            "elapsed_seconds": None if self.started is None else round(now - self.started, 3),
            "error": self.error,
            "request": self.request.description,
            "summary": self.summary() if self.status == "done" else None,
            "manifest": self.study.manifest if self.study is not None else None,
        }


class JobManager:
    """Runs studies in worker threads; bounded in concurrent and remembered jobs."""

    def __init__(self, max_active: int = 2, workers: int = 1, max_kept: int = 20):
        self.max_active = max_active
        self.max_kept = max_kept
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="offramp-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def active_count(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return sum(job.status in ("queued", "running") for job in self._jobs.values())

    def submit(self, request: StudyRequest | WindowRequest) -> Job:
        """Queue a study; raise :class:`TooManyJobsError` when ``max_active`` are active."""
        with self._lock:
            active = sum(job.status in ("queued", "running") for job in self._jobs.values())
            if active >= self.max_active:
                raise TooManyJobsError(
                    f"the server is already running {active} job(s), its limit; wait for one "
                    "to finish (poll GET /api/jobs/{id}) and submit again"
                )
            job = Job(job_id=uuid.uuid4().hex, request=request)
            self._jobs[job.job_id] = job
            self._forget_old()
        self._executor.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id, if the server still remembers it."""
        with self._lock:
            return self._jobs.get(job_id)

    def shutdown(self) -> None:
        """Stop accepting jobs and wait for the running ones."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _forget_old(self) -> None:
        finished = [key for key, job in self._jobs.items() if job.status in ("done", "failed")]
        for key in finished[: max(0, len(self._jobs) - self.max_kept)]:
            del self._jobs[key]

    def _run(self, job: Job) -> None:
        from offramp.analysis.negotiation import window
        from offramp.study import run_study

        job.status = "running"
        job.started = time.time()
        request = job.request
        try:
            if isinstance(request, WindowRequest):
                job.window = window(
                    request.scenario,
                    request.deal,
                    request.offer_months,
                    runs=request.runs,
                    seed=request.seed,
                    horizon=request.horizon,
                    on_offer_done=job.policies_done.append,
                )
                job.status = "done"
                return
            job.study = run_study(
                request.scenario,
                policies=request.policies,
                runs=request.runs,
                seed=request.seed,
                horizon=request.horizon,
                assumptions=request.assumptions,
                on_policy_done=job.policies_done.append,
            )
            job.study.extra_manifest["overrides"] = request.description.get("overrides", {})
            job.status = "done"
        except Exception as error:  # noqa: BLE001 - a failed job reports why, the server lives on
            job.error = f"{type(error).__name__}: {error}"
            job.status = "failed"
        finally:
            job.finished = time.time()
