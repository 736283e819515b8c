"""End-to-end checks in a real browser: Debian's Chromium driven by Playwright.

The dashboard is served by uvicorn on a free loopback port in a thread; the page is loaded,
a slider moved, a study run, and the numbers the page shows compared with the API's. The
HTML report of the bundled scenario is opened from disk and every figure checked to have
rendered. Screenshots are kept in ``artifacts/`` (git-ignored) for a person to look at.

Only Debian's Chromium is used (``/usr/bin/chromium``; ``python3 tasks.py test`` installs it
with apt-get when run as root): Playwright's own browser download is never needed.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium, so the browser checks "
    "cannot run here; install it with `apt-get install chromium` (python3 tasks.py test "
    "does so when run as root)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard() -> Iterator[str]:
    """The dashboard served on 127.0.0.1 in a background thread; yields its base URL."""
    import uvicorn

    from offramp.web.app import Limits, create_app

    port = _free_port()
    config = uvicorn.Config(
        create_app(Limits(max_runs=500, max_horizon=120, max_active_jobs=2)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the dashboard did not start within 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def _collect_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_dashboard_runs_a_study_and_shows_the_apis_numbers(browser, dashboard):
    page = browser.new_page(viewport={"width": 1400, "height": 2000})
    errors = _collect_errors(page)
    page.goto(dashboard + "/")
    slider = page.locator('input[type=range][data-path="bargaining.emboldening"]')
    slider.wait_for(timeout=30_000)
    page.fill("#runs", "60")
    page.fill("#horizon", "36")
    before = float(slider.input_value())
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    moved = float(slider.input_value())
    assert moved > before, "the slider did not move"
    shown = page.locator('.parameter:has(input[data-path="bargaining.emboldening"]) output')
    assert float(shown.inner_text()) == pytest.approx(moved)

    page.click("#run")
    page.wait_for_selector("#results:not([hidden])", timeout=180_000)
    for chart in ("chart-territory", "chart-probabilities", "chart-horizon"):
        page.wait_for_selector(f"#{chart} .main-svg", timeout=30_000)
        box = page.locator(f"#{chart}").bounding_box()
        assert box["width"] > 100 and box["height"] > 100, chart

    job_id = page.locator("body").get_attribute("data-job")
    job = httpx.get(f"{dashboard}/api/jobs/{job_id}", timeout=30).json()
    assert job["status"] == "done"
    assert job["request"]["overrides"] == {"bargaining.emboldening": pytest.approx(moved)}
    assert job["request"]["runs"] == 60 and job["request"]["horizon"] == 36
    cells = page.locator("#summary td[data-statistic]")
    assert cells.count() == 8 * len(job["summary"])
    for index in range(cells.count()):
        cell = cells.nth(index)
        expected = job["summary"][cell.get_attribute("data-policy")]
        for key in cell.get_attribute("data-statistic").split("."):
            expected = expected[key]
        assert json.loads(cell.get_attribute("data-value")) == expected
        if expected is not None and cell.get_attribute("data-statistic") == "p_leader_removed":
            assert cell.inner_text() == f"{100 * expected:.0f}%"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    report = httpx.get(f"{dashboard}/api/jobs/{job_id}/report.html", timeout=120)
    assert report.status_code == 200 and "<figure" in report.text
    assert errors == []
    page.close()


def test_report_of_the_bundled_scenario_renders_every_figure(browser, tmp_path):
    from offramp.report import write_study_report
    from offramp.report.figures import study_figures
    from offramp.scenario.loading import load_scenario
    from offramp.study import run_study

    study = run_study(load_scenario("ukraine-2022"), runs=60, horizon=48)
    out = tmp_path / "report.html"
    write_study_report(study, out)
    expected = len(study_figures(study))

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors = _collect_errors(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    figures = page.locator("figure.chart img")
    assert figures.count() == expected
    for index in range(expected):
        image = figures.nth(index)
        image.scroll_into_view_if_needed()
        box = image.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("figcaption").count() == expected
    # nothing fetched beyond the file itself (figures are data: URIs)
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
    assert errors == []
    page.close()


def test_deal_builder_polls_an_edited_deal_and_draws_its_window(browser, dashboard):
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    errors = _collect_errors(page)
    page.goto(dashboard + "/")
    page.locator("#deal-start option").first.wait_for(state="attached", timeout=30_000)
    page.select_option("#deal-scenario", "ukraine-2025")
    page.select_option("#deal-start", "european-plan-may-2025")
    start = httpx.get(f"{dashboard}/api/deals", timeout=30).json()
    bundled = next(d for d in start["deals"] if d["name"] == "european-plan-may-2025")
    assert (
        page.locator("#term-security-guarantees").input_value()
        == (bundled["security"]["guarantees"])
    )
    # change two terms: Crimea and Sevastopol recognised, guarantees from Europe alone
    page.select_option("#term-territory-recognized_de_jure", ["crimea", "sevastopol"])
    page.select_option("#term-security-guarantees", "europe")
    assert page.locator('.term.changed[data-path="security.guarantees"]').count() == 1
    page.fill("#poll-month", "2026-06")
    page.fill("#deal-runs", "60")
    page.fill("#window-step", "6")

    with page.expect_request("**/api/poll") as sent:
        page.click("#evaluate")
    body = json.loads(sent.value.post_data)
    assert body["deal"]["territory"]["recognized_de_jure"] == ["crimea", "sevastopol"]
    assert body["deal"]["security"]["guarantees"] == "europe"
    assert body["deal"]["economy"] == bundled["economy"]
    assert body["deal"]["name"] == "european-plan-may-2025-edited"
    assert body["month"] == "2026-06" and body["runs"] == 60

    page.wait_for_selector("#poll-table tr[data-key=accept]", timeout=120_000)
    page.wait_for_selector("body[data-window]", timeout=180_000)
    for chart in ("chart-window-chances", "chart-window-territory"):
        page.wait_for_selector(f"#{chart} .main-svg", timeout=30_000)
        box = page.locator(f"#{chart}").bounding_box()
        assert box["width"] > 100 and box["height"] > 100, chart

    # the page's numbers are the API's: the same poll asked again, and the window's job
    expected = httpx.post(f"{dashboard}/api/poll", json=body, timeout=120).json()
    assert expected["deal"] == "european-plan-may-2025-edited"
    for key in ("accept", "reject", "undecided"):
        row = page.locator(f"#poll-table tr[data-key={key}]")
        assert json.loads(row.get_attribute("data-value")) == expected[key]
        assert row.locator("td.median").inner_text() == f"{100 * expected[key]['median']:.1f}%"
    shares = sum(expected[key]["median"] for key in ("accept", "reject", "undecided"))
    assert shares == pytest.approx(1.0, abs=0.05)
    job_id = page.locator("body").get_attribute("data-window")
    job = httpx.get(f"{dashboard}/api/jobs/{job_id}", timeout=30).json()
    assert job["kind"] == "window" and job["status"] == "done"
    assert job["request"]["deal"] == body["deal"] and job["request"]["step"] == 6
    offers = job["window"]["offers"]
    drawn = page.evaluate(
        "() => document.getElementById('chart-window-chances').data"
        ".map(trace => ({x: trace.x, y: trace.y}))"
    )
    assert drawn[0]["x"] == [offer["offer_month"] for offer in offers]
    assert drawn[0]["y"] == pytest.approx([100 * offer["p_deal_signed"] for offer in offers])
    assert drawn[2]["y"] == pytest.approx([100 * offer["p_deal_in_force"] for offer in offers])

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#deal-builder").screenshot(path=str(ARTIFACTS / "deal_builder.png"))
    assert errors == []
    page.close()
