"""`offramp explore --scheduler`: a real Dask scheduler and two worker processes."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from offramp.cli.main import app
from offramp.explore import explore, open_store
from offramp.scenario.loading import load_scenario

distributed = pytest.importorskip("distributed")


def test_dask_cluster_gives_the_local_results(tmp_path):
    scenario = load_scenario("ukraine-2022")
    common = dict(samples=12, replications=2, policies=["fight-on", "armistice"], horizon=12)
    explore(scenario, str(tmp_path / "local"), chunk=24, seed=5, **common)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        result = CliRunner().invoke(
            app,
            [
                "explore",
                "ukraine-2022",
                "-n",
                "12",
                "-r",
                "2",
                "-p",
                "fight-on",
                "-p",
                "armistice",
                "--horizon",
                "12",
                "--seed",
                "5",
                "--chunk",
                "5",
                "--scheduler",
                address,
                "--out",
                str(tmp_path / "dask"),
            ],
        )
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(
        open_store(tmp_path / "dask").outcomes(),
        open_store(tmp_path / "local").outcomes(),
        check_exact=True,
    )


@pytest.mark.slow
def test_unreachable_scheduler_is_a_user_error(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "explore",
            "ukraine-2022",
            "-n",
            "2",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2
    assert "cannot reach a Dask scheduler" in result.output
