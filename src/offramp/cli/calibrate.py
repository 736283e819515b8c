"""``offramp calibrate``, ``offramp assumptions`` and ``offramp backtest``.

Presentation only: the numbers come from :mod:`offramp.calibration` and
:mod:`offramp.scenario.assumptions`.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from offramp.cli.errors import EXIT_USER_ERROR, fail_on_user_error
from offramp.cli.options import HorizonOption, RunsOption, SeedOption
from offramp.outcomes import TRAJECTORIES


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `offramp` app."""
    app.command("calibrate")(calibrate_command)
    app.command("assumptions")(assumptions_command)
    app.command("backtest")(backtest_command)


def calibrate_command(
    scenario: Annotated[
        str, typer.Argument(help="Scenario whose opinion and battlefield are fitted.")
    ] = "ukraine-2022",
    holdout: Annotated[
        int,
        typer.Option(
            "--holdout",
            "-k",
            min=0,
            help="National waves at the end of the fit window predicted from a fit without "
            "them (0: none).",
        ),
    ] = 3,
    runs: Annotated[
        int, typer.Option("--runs", min=4, max=512, help="Runs per likelihood evaluation.")
    ] = 16,
    forecast_runs: Annotated[
        int, typer.Option("--forecast-runs", min=20, max=5000, help="Runs of the forecasts.")
    ] = 200,
    seed: SeedOption = None,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Rolling-origin evaluation instead: refit at each origin (2023-07 to 2025-01) "
            "on earlier data only, score the 1-12 month forecasts against two baselines.",
        ),
    ] = False,
    write_draws: Annotated[
        bool,
        typer.Option(
            "--write-draws",
            help="Also write the parameter draws `offramp run` uses "
            "(src/offramp/data/calibration_draws.csv, or --draws-file).",
        ),
    ] = False,
    draws: Annotated[
        int, typer.Option("--draws", min=10, max=10_000, help="Parameter draws to write.")
    ] = 400,
    draws_file: Annotated[
        str | None, typer.Option("--draws-file", help="Where --write-draws writes.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Fit opinion to the KIIS series and the front line to liveuamap; forecast a year."""
    with fail_on_user_error():
        from offramp.cli.progress import working
        from offramp.scenario.loading import load_scenario

        loaded = load_scenario(scenario)
        try:
            if evaluate:
                from offramp.calibration.evaluate import evaluate as rolling_origin

                with working("refitting at four origins and scoring...", sys.stderr.isatty()):
                    result = rolling_origin(loaded, seed=seed)
            else:
                from offramp.calibration.calibrate import calibrate

                with working("fitting opinion and the front line...", sys.stderr.isatty()):
                    result = calibrate(
                        loaded,
                        holdout=holdout,
                        runs=runs,
                        forecast_runs=forecast_runs,
                        seed=seed,
                        draws=draws if write_draws else 0,
                    )
        except ValueError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(EXIT_USER_ERROR) from None
    if write_draws and not evaluate:
        from pathlib import Path

        from offramp.calibration.draws import write_draws as write

        target = Path(draws_file) if draws_file else _shipped_draws_path()
        write(result.pop("draws"), target, result["settings"]["fit_end"])
        typer.echo(f"wrote {draws} parameter draws to {target}", err=True)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    if evaluate:
        _print_evaluation(result)
        return
    _print_calibration(result)


def _shipped_draws_path():
    from importlib.resources import files

    return files("offramp") / "data" / "calibration_draws.csv"


def _print_evaluation(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if Console().is_terminal else 150)
    settings = result["settings"]
    table = Table(
        title=f"Rolling-origin forecasts ({result['scenario']}): origins "
        f"{', '.join(settings['origins'])}, data to {settings['data_end']}",
        caption="CRPS and the 90% interval score in percentage points (lower is better); "
        "coverage: share of observations inside the central 50% / 90% interval. Horizon: "
        "months ahead, binned 1-3, 4-6, 7-12 (shown by the bin's end).",
    )
    for column in ("target", "horizon", "method", "CRPS", "IS 90%", "cover 50%", "cover 90%", "n"):
        table.add_column(column, justify="left" if column in ("target", "method") else "right")
    for row in result["scores"]:
        table.add_row(
            row["target"],
            f"{row['horizons'][0]}-{row['horizons'][1]}",
            row["method"],
            f"{row['crps']:.2f}",
            f"{row['interval_score_90']:.1f}",
            f"{100 * row['coverage_50']:.0f}%",
            f"{100 * row['coverage_90']:.0f}%",
            str(row["n"]),
        )
    console.print(table)
    console.print(
        f"({settings['seconds']:.1f} s, {settings['cpu_seconds']:.1f} s of CPU; "
        "docs/calibration.md explains the method.)"
    )


def assumptions_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the sets as JSON.")] = False,
) -> None:
    """List the assumption sets (each side of the debate) with every value's source."""
    with fail_on_user_error():
        from offramp.scenario.assumptions import assumption_sets

        sets = assumption_sets()
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "name": s.name,
                        "title": s.title,
                        "argument": s.argument,
                        "citations": list(s.citations),
                        "values": s.values,
                        "sources": s.sources,
                        "ranges": {k: list(v) for k, v in s.ranges.items()},
                    }
                    for s in sets
                ],
                indent=2,
            )
        )
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if Console().is_terminal else 150)
    for chosen in sets:
        table = Table(
            title=f"{chosen.name}: {chosen.title}",
            caption=chosen.argument,
            caption_justify="left",
        )
        table.add_column("parameter", style="bold")
        table.add_column("value", justify="right")
        table.add_column("range", justify="right")
        table.add_column("source")
        for path in sorted(set(chosen.values) | set(chosen.ranges)):
            low_high = chosen.ranges.get(path)
            table.add_row(
                path,
                str(chosen.values.get(path, "(scenario)")),
                "" if low_high is None else f"[{low_high[0]:g}, {low_high[1]:g}]",
                chosen.sources.get(path, ""),
            )
        console.print(table)
        for citation in chosen.citations:
            console.print(f"  - {citation}")
        console.print()
    console.print("Use one with `offramp run --assumptions NAME`.")


def backtest_command(
    scenario: Annotated[
        str,
        typer.Argument(
            help="A historical scenario (bundled: minsk-2015 and the panel's cases, "
            "see `offramp data show ceasefire_panel`)."
        ),
    ] = "minsk-2015",
    panel: Annotated[
        bool,
        typer.Option(
            "--panel",
            help="Run every case of the ceasefire panel: percentiles (PIT) and a uniformity test.",
        ),
    ] = False,
    runs: RunsOption = None,
    seed: SeedOption = None,
    horizon: HorizonOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Months until war resumed after a historical deal, and where history falls in them."""
    if panel:
        _backtest_panel(runs=runs, seed=seed, as_json=as_json)
        return
    with fail_on_user_error():
        from offramp.calibration.backtest import backtest
        from offramp.cli.progress import working
        from offramp.scenario.loading import load_scenario

        loaded = load_scenario(scenario)
        try:
            with working(f"simulating {scenario}...", sys.stderr.isatty()):
                result = backtest(loaded, runs=runs, seed=seed, horizon=horizon)
        except ValueError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(EXIT_USER_ERROR) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    months = result["months_until_war_resumed"]
    typer.echo(
        f"{result['scenario']} / {result['policy']}: {result['runs_with_ceasefire']} of "
        f"{result['runs']} runs reached a ceasefire; war resumed within "
        f"{result['horizon_months']} months in {100 * (result['p_resumed_by_horizon'] or 0):.0f}%."
    )
    if months["median"] is not None:
        typer.echo(
            f"Months until war resumed (runs where it did): median {months['median']:.0f} "
            f"[5%: {months['p05']:.0f}, 95%: {months['p95']:.0f}]; median with censoring: "
            f"{result['median_months_with_censoring']}."
        )
    typer.echo(
        "Share of ceasefires still holding after "
        + ", ".join(f"{m} months: {100 * v:.0f}%" for m, v in result["survival"].items())
    )
    held = "still holding after" if result.get("censored") else "war resumed after"
    typer.echo(
        f"Observed: {held} {result['observed_months']} months, at the "
        f"{result['observed_percentile']}th percentile of the model's durations."
    )


def _backtest_panel(runs: int | None, seed: int | None, as_json: bool) -> None:
    from offramp.calibration.backtest import panel_backtest
    from offramp.cli.progress import working

    kwargs = {"runs": 500 if runs is None else runs}
    if seed is not None:
        kwargs["seed"] = seed
    with working("simulating the ceasefire panel...", sys.stderr.isatty()):
        result = panel_backtest(**kwargs)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"A panel of ceasefires: where history falls in the model ({result['runs']} runs "
        "per case)",
        caption=result["pit_method"],
    )
    for column in ("case", "ceasefire", "observed, months", "P(resumed by then)", "PIT"):
        table.add_column(column, justify="right" if column != "case" else "left")
    for row in result["cases"]:
        observed = f"{'>' if row['censored'] else ''}{row['observed_months']}"
        pit = (
            f"{row['pit']:.2f} in [{row['pit_low']:.2f}, 1]"
            if row["censored"]
            else f"{row['pit']:.2f}"
        )
        table.add_row(
            row["case"], row["ceasefire"], observed, f"{row['p_resumed_by_observed']:.2f}", pit
        )
    console = Console()
    console.print(table)
    test = result["uniformity"]
    power = ", ".join(f"{k}: {v:.2f}" for k, v in test["power_at_5pct"].items())
    console.print(
        f"PIT histogram (5 bins): {result['pit_histogram']['counts']}. {test['test']}: "
        f"D = {test['statistic']:.3f}, p = {test['p_value']:.2f} (n = {test['n']}); power at "
        f"5% against {power}."
    )


def _print_calibration(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if Console().is_terminal else 150)
    fit = Table(
        title=f"KIIS 'no territorial concessions', national: observed vs simulated "
        f"({result['scenario']})",
        caption=f"in-sample RMSE {result['rmse_pp']:.2f} pp (national), "
        f"{result['rmse_regions_pp']:.2f} pp (regional waves); * sample size not published, "
        f"1,000 assumed",
    )
    for column in ("wave", "observed, %", "simulated, %", "n"):
        fit.add_column(column, justify="right")
    for row in result["fit"]:
        fit.add_row(
            row["date"],
            f"{row['observed']:.0f}",
            f"{row['simulated']:.1f}",
            f"{row['n']}{'*' if row['n_assumed'] else ''}",
        )
    console.print(fit)

    params = Table(
        title="Fitted parameters (estimate [5%, 95%])",
        caption="opinion: global search, intervals from the quasi-likelihood sample; front "
        "line: Student-t fit, Laplace intervals",
    )
    params.add_column("parameter", style="bold")
    params.add_column("estimate", justify="right")
    params.add_column("5%", justify="right")
    params.add_column("95%", justify="right")
    params.add_column("identified", justify="right")
    for name, stats in {**result["parameters"], **result["territory"]["parameters"]}.items():
        identified = stats.get("identified")
        params.add_row(
            name,
            f"{stats['estimate']:.4g}",
            f"{stats['p05']:.4g}",
            f"{stats['p95']:.4g}",
            "" if identified is None else ("yes" if identified else "no"),
        )
    console.print(params)
    surface = result["surface"]
    console.print(
        f"Surface: {surface['sample_points']} points, effective sample size "
        f"{surface['effective_sample_size']:.0f}, Pearson dispersion {surface['dispersion']:.2f}."
    )
    for name, curve in surface["fixed_slices"].items():
        flat = [v for v, d in zip(curve["value"], curve["deviance"], strict=True) if d < 2.71]
        console.print(
            f"Not fitted: {name} = {curve['scenario_value']:g}; the slice through the optimum "
            f"stays within the 90% threshold from {min(flat):.3g} to {max(flat):.3g} "
            f"(not identified there) and rises to {max(curve['deviance']):.0f}."
        )

    if result["holdout"]:
        held = Table(
            title=f"Held-out waves (fit without the last {len(result['holdout'])}): "
            f"RMSE {result['holdout_rmse_pp']:.2f} pp"
        )
        for column in ("wave", "observed, %", "predicted, %", "error, pp"):
            held.add_column(column, justify="right")
        for row in result["holdout"]:
            held.add_row(
                row["date"],
                f"{row['observed']:.0f}",
                f"{row['predicted']:.1f}",
                f"{row['error_pp']:+.1f}",
            )
        console.print(held)

    forecast = Table(title="Forecast, monthly: median [5%, 95%]")
    forecast.add_column("month")
    for variable in ("no_concessions", "territory"):
        forecast.add_column(TRAJECTORIES[variable].axis_title, justify="right")
    for opinion_row, line_row in zip(
        result["forecast"], result["territory"]["forecast"], strict=True
    ):
        forecast.add_row(
            opinion_row["date"],
            f"{opinion_row['median']:.1f} [{opinion_row['p05']:.1f}, {opinion_row['p95']:.1f}]",
            f"{line_row['median']:.1f} [{line_row['p05']:.1f}, {line_row['p95']:.1f}]",
        )
    console.print(forecast)
    for row in result["validation"]:
        console.print(
            f"Out of sample: KIIS {row['date']} observed {row['observed']:.0f}%, forecast "
            f"{row['median']:.1f} [{row['p05']:.1f}, {row['p95']:.1f}]"
            f"{'' if row['inside_band'] else ' (outside the band)'}."
        )
    territory = result["territory"]
    console.print(
        f"Front line (observed to {territory['observed_through']}): RMSE of the fitted mean "
        f"path {territory['fit_rmse_pp']:.2f} pp, of one-month changes "
        f"{territory['one_step_rmse_pp']:.2f} pp."
    )
    console.print(
        f"({result['settings']['seconds']:.1f} s, {result['settings']['cpu_seconds']:.1f} s of "
        "CPU; docs/calibration.md explains the method.)"
    )
