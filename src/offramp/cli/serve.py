"""`offramp serve`: the web dashboard on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from offramp.cli.options import within_catalogue

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; the default serves this machine only."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    max_runs: Annotated[
        int, typer.Option("--max-runs", min=1, help="Most runs per policy a job may ask for.")
    ] = 5000,
    max_horizon: Annotated[
        int,
        typer.Option(
            "--max-horizon",
            help="Most months a job may ask for.",
            callback=within_catalogue("horizon_months"),
        ),
    ] = 240,
    max_jobs: Annotated[
        int, typer.Option("--max-jobs", min=1, help="Most jobs queued or running at once.")
    ] = 2,
) -> None:
    """Serve the dashboard: sliders for the key assumptions, policies side by side, downloads.

    Open http://HOST:PORT/ in a browser; the JSON API is described at /docs.
    """
    import uvicorn

    from offramp.web.app import Limits, create_app

    if host not in LOOPBACK:
        typer.echo(
            f"warning: serving on {host}: the dashboard has no login, so anyone who can reach "
            "this address can run simulations on this machine.",
            err=True,
        )
    app = create_app(Limits(max_runs=max_runs, max_horizon=max_horizon, max_active_jobs=max_jobs))
    typer.echo(f"offramp dashboard on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add `offramp serve` to the `offramp` app."""
    app.command(name="serve")(serve)
