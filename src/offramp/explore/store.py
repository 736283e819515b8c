"""The explore store: a folder of plain data that an interrupted ensemble can resume.

Layout of ``DIR``::

    manifest.json              what was asked (scenario and its hash, sampler, N, seed,
                               policies, versions) and the status of every chunk
    samples.parquet            parameter values, one row per sample (column ``sample``)
    design.parquet             the same samples as unit-hypercube points (for Morris and
                               moment-independent analyses)
    outcomes/chunk-00012.parquet
                               one row per (policy, run) of the chunk's runs
    trajectories/chunk-00012.parquet
                               optional (``--trajectories``): one row per (policy, run, month)

A chunk file is written to a temporary name and renamed into place (``os.replace``, atomic
on POSIX), so a chunk file exists only complete: a store killed at any moment holds whole
chunks and nothing else, and resuming computes exactly the missing ones. Everything is
Parquet or JSON (readable by pandas, polars, DuckDB); nothing is pickled.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from numpy.typing import NDArray

FORMAT = "offramp-explore/1"
MANIFEST = "manifest.json"
SAMPLES = "samples.parquet"
DESIGN = "design.parquet"
OUTCOMES = "outcomes"
TRAJECTORIES = "trajectories"
# The manifest lists every chunk's status: a million one-run chunks take about 10 MB.
MAX_MANIFEST_BYTES = 64 << 20
# What must match for --resume to continue a store (everything that changes a value).
IDENTITY = (
    "scenario_sha256",
    "sampler",
    "samples",
    "replications",
    "seed",
    "horizon_months",
    "policies",
    "chunk_runs",
    "trajectories",
)


class StoreError(ValueError):
    """A store that cannot be created, resumed or read as asked (a user error)."""


def chunk_name(index: int) -> str:
    """File name of chunk ``index``."""
    return f"chunk-{index:05d}.parquet"


def read_parquet(path: Path) -> pd.DataFrame:
    """A store's Parquet file; a missing or corrupt one is a StoreError naming it, in one line."""
    import pandas as pd

    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StoreError(f"{path}: cannot read this store file: {reason}") from None


def _arrow_table(columns: Mapping[str, NDArray]) -> pa.Table:
    import pyarrow as pa

    return pa.table(
        {
            name: pa.array(values, pa.string()) if values.dtype.kind == "U" else values
            for name, values in columns.items()
        }
    )


def write_atomically(path: Path, write: Any) -> None:
    """Call ``write(temporary_path)``, then rename the result to ``path`` in one step."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(temporary)
    os.replace(temporary, path)


class Store:
    """An explore store on disk (see the module docstring for the layout)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    # --- creation and resumption ---------------------------------------------------------
    @classmethod
    def create(
        cls,
        root: str | Path,
        manifest: Mapping[str, Any],
        samples: pd.DataFrame,
        design: pd.DataFrame,
        resume: bool,
    ) -> Store:
        """Open ``root`` for an ensemble: a new store, or one to resume (``resume=True``).

        Raises
        ------
        StoreError
            If ``root`` holds a store and ``resume`` is false, or if the stored ensemble is
            not the one asked for (scenario, sampler, N, seed, ...).
        """
        store = cls(root)
        if store.manifest_path.exists():
            if not resume:
                raise StoreError(
                    f"{store.root} already holds an explore store; pass --resume to finish it "
                    "or choose another --out"
                )
            stored = store.manifest
            for key in IDENTITY:
                if stored.get(key) != manifest.get(key):
                    raise StoreError(
                        f"--resume: {store.root} was made with {key} = {stored.get(key)!r}, "
                        f"this run asks for {manifest.get(key)!r}; rerun with the stored value "
                        "or choose another --out"
                    )
            # Half-written files of a killed run (never renamed into place) are dropped.
            for stale in store.root.rglob(".*.tmp"):
                stale.unlink(missing_ok=True)
            return store
        if store.root.exists() and any(store.root.iterdir()):
            raise StoreError(
                f"{store.root} exists and is not an explore store; choose another --out"
            )
        (store.root / OUTCOMES).mkdir(parents=True, exist_ok=True)
        if manifest.get("trajectories"):
            (store.root / TRAJECTORIES).mkdir(exist_ok=True)
        write_atomically(store.root / SAMPLES, lambda p: samples.to_parquet(p, index=False))
        write_atomically(store.root / DESIGN, lambda p: design.to_parquet(p, index=False))
        # The manifest is written last: a folder without it is not (yet) a store.
        store.write_manifest({**manifest, "chunks": ["pending"] * manifest["n_chunks"]})
        return store

    # --- manifest and chunks -------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @property
    def manifest(self) -> dict[str, Any]:
        """The manifest (a plain dict), read with the checks every user file gets."""
        from offramp.scenario.files import UnreadableFileError, read_json

        if not self.manifest_path.exists():
            raise StoreError(f"{self.root} is not an explore store (no {MANIFEST})")
        try:
            manifest = read_json(self.manifest_path, "explore store manifest", MAX_MANIFEST_BYTES)
        except UnreadableFileError as error:
            raise StoreError(str(error)) from None
        if not isinstance(manifest, dict):
            raise StoreError(f"{self.manifest_path}: not an explore store manifest (not a table)")
        return manifest

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        """Replace the manifest atomically."""
        text = json.dumps(manifest, indent=1)
        write_atomically(self.manifest_path, lambda p: Path(p).write_text(text))

    def done_chunks(self) -> set[int]:
        """Chunks whose outcome file exists (complete, by the atomic rename)."""
        folder = self.root / OUTCOMES
        return {int(p.stem.split("-")[1]) for p in folder.glob("chunk-*.parquet")}

    def write_chunk(
        self,
        index: int,
        outcomes: Mapping[str, NDArray],
        trajectories: Mapping[str, NDArray] | None = None,
    ) -> None:
        """Write one finished chunk's columns (trajectories first, so outcomes mark it done).

        Text columns (the policy) are stored as Arrow strings, the others with their NumPy
        types.
        """
        import pyarrow.parquet as pq

        if trajectories is not None:
            path = self.root / TRAJECTORIES / chunk_name(index)
            table = _arrow_table(trajectories)
            write_atomically(path, lambda p: pq.write_table(table, p))
        path = self.root / OUTCOMES / chunk_name(index)
        table = _arrow_table(outcomes)
        write_atomically(path, lambda p: pq.write_table(table, p))

    def mark(self, done: set[int], status: str) -> None:
        """Record the chunks done and the store's status in the manifest."""
        manifest = self.manifest
        manifest["chunks"] = [
            "done" if i in done else "pending" for i in range(manifest["n_chunks"])
        ]
        manifest["status"] = status
        self.write_manifest(manifest)

    # --- reading -------------------------------------------------------------------------
    @property
    def parameters(self) -> list[str]:
        """Dotted paths of the uncertain parameters."""
        return list(self.manifest["uncertain"])

    @property
    def policies(self) -> list[str]:
        return list(self.manifest["policies"])

    @property
    def complete(self) -> bool:
        return len(self.done_chunks()) == self.manifest["n_chunks"]

    def samples(self) -> pd.DataFrame:
        """Parameter values, one row per sample (column ``sample`` and one per parameter)."""
        return read_parquet(self.root / SAMPLES)

    def design(self) -> pd.DataFrame:
        """The samples as unit-hypercube points (same columns as :meth:`samples`)."""
        return read_parquet(self.root / DESIGN)

    def outcomes(self, parameters: bool = False) -> pd.DataFrame:
        """Every finished run: sample, replication, run, policy and the outcome columns.

        Rows are ordered by policy (the manifest's order) and run, whatever the chunking.
        With ``parameters=True`` the sampled parameter values are joined on ``sample``.
        """
        import pandas as pd

        files = sorted((self.root / OUTCOMES).glob("chunk-*.parquet"))
        if not files:
            raise StoreError(f"{self.root} holds no finished chunk yet")
        frame = pd.concat([read_parquet(f) for f in files], ignore_index=True)
        order = {name: i for i, name in enumerate(self.policies)}
        frame = frame.assign(_policy_order=frame["policy"].map(order))
        frame = frame.sort_values(["_policy_order", "run"], kind="stable")
        frame = frame.drop(columns="_policy_order").reset_index(drop=True)
        if parameters:
            frame = frame.merge(self.samples(), on="sample", how="left")
        return frame

    def metric_by_world(self, metric: str, policies: list[str] | None = None) -> pd.DataFrame:
        """``metric`` per world (sample) and policy, averaged over the replications.

        Returns a DataFrame indexed by ``sample`` (all the design's rows, in order) with one
        column per policy. Boolean outcomes become shares.

        Raises
        ------
        StoreError
            For a metric that is not a numeric outcome, an unknown policy, or a store with
            unfinished chunks.
        """
        frame = self.outcomes()
        metrics = [
            c
            for c in frame.columns
            if c not in ("sample", "replication", "run", "policy")
            and (frame[c].dtype.kind in "biuf")
        ]
        if metric not in metrics:
            raise StoreError(f"unknown metric {metric!r}; allowed: {', '.join(metrics)}")
        chosen = policies or self.policies
        for name in chosen:
            if name not in self.policies:
                raise StoreError(
                    f"unknown policy {name!r}; the store holds: {', '.join(self.policies)}"
                )
        if not self.complete:
            raise StoreError(
                f"{self.root} is unfinished ({len(self.done_chunks())} of "
                f"{self.manifest['n_chunks']} chunks); finish it with `offramp explore ... "
                "--resume`"
            )
        table = frame[frame["policy"].isin(chosen)].pivot_table(
            index="sample", columns="policy", values=metric, aggfunc="mean", dropna=False
        )
        return table.astype(float)[chosen]

    def trajectories(self) -> pd.DataFrame:
        """Monthly trajectories (long: one row per policy, run and month), if stored."""
        import pandas as pd

        files = sorted((self.root / TRAJECTORIES).glob("chunk-*.parquet"))
        if not files:
            raise StoreError(f"{self.root} holds no trajectories (explore with --trajectories)")
        frame = pd.concat([read_parquet(f) for f in files], ignore_index=True)
        order = {name: i for i, name in enumerate(self.policies)}
        frame = frame.assign(_policy_order=frame["policy"].map(order))
        frame = frame.sort_values(["_policy_order", "run", "month"], kind="stable")
        return frame.drop(columns="_policy_order").reset_index(drop=True)


def open_store(root: str | Path) -> Store:
    """Open an explore store for analysis.

    Examples
    --------
    >>> store = open_store("runs/ukraine")                      # doctest: +SKIP
    >>> store.outcomes(parameters=True).groupby("policy").territory_at_horizon.mean()
    """
    store = Store(root)
    manifest = store.manifest
    if manifest.get("format") != FORMAT:
        raise StoreError(f"{store.root}: unknown store format {manifest.get('format')!r}")
    return store
