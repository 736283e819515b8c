r"""Protest at agent scale: Epstein's civil-violence model (Model I), over many runs.

Citizens and cops live on a ``height x width`` torus. Each citizen *i* carries a hardship
:math:`H_i \sim U(0, 1)` and a risk aversion :math:`R_i \sim U(0, 1)`; the regime's
legitimacy :math:`L` is common to all citizens of a run (and may change every step). Each
step every agent is activated once, in a fresh random order:

* a citizen's **grievance** is :math:`G_i = H_i (1 - L)`;
* it counts the cops :math:`C` and the active citizens :math:`A` within its vision, itself
  included in :math:`A` (it asks "what if I go active?"), and estimates its **arrest
  probability** :math:`P_i = 1 - \exp(-k \, \rho(C / A))` with :math:`k = 2.3`, where
  :math:`\rho` is the identity as printed in the paper, or a rounding (see below);
* its **net risk** is :math:`N_i = R_i P_i`; it is **active** when :math:`G_i - N_i > T`
  (threshold :math:`T = 0.1`), quiet otherwise;
* a cop arrests one active citizen chosen at random within its vision; the arrestee is
  jailed for a term drawn uniformly on :math:`\{0, \dots, J_{max}\}` steps;
* every agent not in jail then moves to a random empty site within its vision (if any).

With no arrest risk (:math:`k = 0` or no cops) a citizen is active exactly when
:math:`H_i (1 - L) > T`, so the share of citizens ever active tends to
:math:`1 - T / (1 - L)` (for :math:`L < 1 - T`), the bound the tests check.

Switches where the paper is silent or implementations differ
-------------------------------------------------------------
``rounding``
    How :math:`C/A` enters the exponential. ``"exact"`` is the formula as printed;
    ``"floor"`` is NetLogo's Rebellion (``floor (cops / actives)``); ``"round"`` is Mesa's
    example (Python ``round``, half to even). With ``"exact"`` and Epstein's parameters a
    lone citizen next to even one cop sees :math:`P` well above zero and the grid settles
    into a low, steady activity: the literal formula produces no outbursts. Rounding makes
    :math:`P = 0` whenever actives outnumber cops two to one, the cascade that makes
    outbursts.
``neighbourhood``
    ``"von_neumann"`` (cells within Manhattan distance ``vision``: the paper's "north, south,
    east and west", and Mesa's grid), ``"moore"`` (a square of side ``2 vision + 1``), or
    ``"euclidean"`` (a disc, as NetLogo's ``in-radius``). The agent's own cell is excluded.
``jailed_keep_cell``
    ``True``: a jailed citizen stays on its site, blocking it (Mesa). ``False``: it leaves
    the lattice and, on release, reappears quiet at a random empty site (jail as a place
    apart, as in the paper's narrative).

Placement follows Mesa: each site independently holds a citizen with probability
``citizen_density``, a cop with probability ``cop_density``, or is empty.

Randomness: run ``i`` draws its hardships, risk aversions, placement and a 64-bit kernel
seed from ``offramp.rng.run_generator(seed, i, STREAM_EPSTEIN)``; its trajectory depends
only on ``(seed, i)``, whatever the batch it is computed in.

How the engine uses it: ``state = init_state(params, n_runs, seed)`` once, then each model
month ``state, traj = step(state, params, legitimacy, n_steps)`` with a per-run legitimacy
array, reading ``traj.active_share[:, -1]`` (or ``active_share(state)``) and, for the month's
peak, ``traj.active_share.max(axis=1)``. The state carries the lattice, the citizens'
statuses and jail terms, and each run's random state from month to month.

References
----------
Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach.
*Proceedings of the National Academy of Sciences* 99 (suppl. 3), 7243-7250.
https://doi.org/10.1073/pnas.092080199

Wilensky, U. (2004). NetLogo Rebellion model. Center for Connected Learning and
Computer-Based Modeling, Northwestern University.

Mesa developers (2024). Epstein civil violence example, ``mesa.examples.advanced.
epstein_civil_violence`` (Mesa 3.3.1).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from offramp.mechanisms import _epstein_kernels as _k
from offramp.mechanisms import _window_sums
from offramp.rng import STREAM_EPSTEIN, run_generator

Rounding = Literal["exact", "floor", "round"]
Neighbourhood = Literal["von_neumann", "moore", "euclidean"]

_INT32_MAX = int(np.iinfo(np.int32).max)  # site indices and jail terms are int32
_ROUNDING_CODES = {"exact": _k.ROUND_EXACT, "floor": _k.ROUND_FLOOR, "round": _k.ROUND_NEAREST}


@dataclass(frozen=True, kw_only=True)
class EpsteinParameters:
    """Parameters of Epstein's Model I, grouped as the one value the kernels take.

    No defaults here for what a scenario sets: the scenario's ``[mobilization.epstein]``
    table (``offramp.scenario.schema.EpsteinSettings``) holds the model's defaults and
    builds this with ``EpsteinSettings.to_parameters()``; :meth:`mesa_defaults` and
    :meth:`epstein_run1` are the two published configurations the tests check.

    Attributes
    ----------
    width, height : int
        Torus size in sites.
    citizen_density, cop_density : float
        Probability that a site starts with a citizen, with a cop.
    vision : int
        Radius of what citizens and cops see, in sites.
    legitimacy : float
        Default regime legitimacy L in [0, 1] (``simulate`` uses it when no path is given).
    k : float
        Arrest-probability constant (2.3 makes P = 0.9 with one cop and one active).
    threshold : float
        Activation threshold T on ``G - N``.
    max_jail_term : int
        Largest jail term J_max, in steps; terms are uniform on ``0 .. J_max``.
    movement : bool
        Whether agents move to a random empty site in vision after acting.
    rounding : {"exact", "floor", "round"}
        Treatment of C/A in the arrest probability (see the module docstring).
    neighbourhood : {"von_neumann", "moore", "euclidean"}
        Shape of the vision neighbourhood.
    jailed_keep_cell : bool
        Whether a jailed citizen keeps (and blocks) its site.
    """

    width: int
    height: int
    citizen_density: float
    cop_density: float
    vision: int
    k: float
    threshold: float
    max_jail_term: int
    rounding: Rounding
    neighbourhood: Neighbourhood
    jailed_keep_cell: bool
    # Not scenario settings: the engine drives legitimacy month by month, and agents move.
    legitimacy: float = 0.8
    movement: bool = True

    def __post_init__(self) -> None:
        if self.width < 1 or self.height < 1:
            raise ValueError("width and height must be positive")
        if self.width * self.height > _INT32_MAX:
            raise ValueError(f"width x height must be at most {_INT32_MAX} (int32 site indices)")
        if self.vision < 1 or 2 * self.vision + 1 > min(self.width, self.height):
            raise ValueError(
                f"vision must be in 1..{(min(self.width, self.height) - 1) // 2} for a "
                f"{self.width}x{self.height} torus, so that no site is seen twice"
            )
        if not (0 <= self.citizen_density and 0 <= self.cop_density):
            raise ValueError("densities must be non-negative")
        if self.citizen_density + self.cop_density > 1:
            raise ValueError("citizen_density + cop_density must not exceed 1")
        if not 0 <= self.legitimacy <= 1:
            raise ValueError("legitimacy must be in [0, 1]")
        if self.k < 0 or self.threshold < 0:
            raise ValueError("k and threshold must be >= 0")
        if not 0 <= self.max_jail_term <= _INT32_MAX:
            raise ValueError(f"max_jail_term must be in 0..{_INT32_MAX}")
        if self.rounding not in _ROUNDING_CODES:
            raise ValueError(f"rounding must be one of {sorted(_ROUNDING_CODES)}")
        if self.neighbourhood not in ("von_neumann", "moore", "euclidean"):
            raise ValueError("neighbourhood must be 'von_neumann', 'moore' or 'euclidean'")

    @classmethod
    def mesa_defaults(cls) -> EpsteinParameters:
        """Mesa 3.3.1's example defaults (``EpsteinCivilViolence()``), rules included."""
        return cls(
            width=40,
            height=40,
            citizen_density=0.7,
            cop_density=0.074,
            vision=7,
            legitimacy=0.8,
            k=2.3,
            threshold=0.1,
            max_jail_term=1000,
            movement=True,
            rounding="round",
            neighbourhood="von_neumann",
            jailed_keep_cell=True,
        )

    @classmethod
    def epstein_run1(cls, **changes: object) -> EpsteinParameters:
        """Epstein (2002) Model I run with outbursts: 40x40, cops 0.04, L = 0.82, J_max 30."""
        base = cls(
            width=40,
            height=40,
            citizen_density=0.7,
            cop_density=0.04,
            vision=7,
            legitimacy=0.82,
            k=2.3,
            threshold=0.1,
            max_jail_term=30,
            rounding="round",
            neighbourhood="von_neumann",
            jailed_keep_cell=False,
        )
        return replace(base, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class EpsteinState:
    """Lattice and agents of ``n_runs`` independent runs (leading axis: run).

    Agents ``0 .. n_citizens[r]-1`` of run ``r`` are citizens, the following ones up to
    ``n_agents[r]`` cops; later columns are padding. ``cell_kind`` holds the kernels' site
    codes (bit fields, see :func:`lattice` for readable ones); ``status`` codes a citizen as
    quiet (0), active (1) or jailed (2).
    """

    runs: np.ndarray  # int64 [run]: run indices (they fix the random streams)
    cell_kind: np.ndarray  # uint32 [run, site]: kernel site codes
    occupant: np.ndarray  # int32 [run, site]: agent index or -1
    position: np.ndarray  # int32 [run, agent]: site or -1 (jailed off the lattice)
    status: np.ndarray  # uint8 [run, agent]
    jail_term: np.ndarray  # int32 [run, agent]: remaining steps
    hardship: np.ndarray  # float64 [run, agent]
    risk_aversion: np.ndarray  # float64 [run, agent]
    n_citizens: np.ndarray  # int64 [run]
    n_agents: np.ndarray  # int64 [run]
    rng_state: np.ndarray  # uint64 [run]: SplitMix64 state of the kernel

    @property
    def n_runs(self) -> int:
        return int(self.runs.size)

    def copy(self) -> EpsteinState:
        """A deep copy (the kernels work in place on copies)."""
        return EpsteinState(**{f: getattr(self, f).copy() for f in self.__dataclass_fields__})


@dataclass(frozen=True)
class EpsteinTrajectory:
    """Citizen counts after each step, per run: arrays ``[run, step]``."""

    active: np.ndarray
    jailed: np.ndarray
    quiet: np.ndarray
    n_citizens: np.ndarray  # [run]

    @property
    def active_share(self) -> np.ndarray:
        """Active citizens as a share of all citizens (jailed included), ``[run, step]``."""
        return self.active / np.maximum(self.n_citizens, 1)[:, None]

    @property
    def jailed_share(self) -> np.ndarray:
        """Jailed citizens as a share of all citizens, ``[run, step]``."""
        return self.jailed / np.maximum(self.n_citizens, 1)[:, None]


def grievance(hardship: np.ndarray, legitimacy: np.ndarray | float) -> np.ndarray:
    r"""Grievance :math:`G = H (1 - L)` (Epstein 2002, eq. 1).

    Parameters
    ----------
    hardship : array_like
        Perceived hardship H in [0, 1].
    legitimacy : array_like or float
        Perceived regime legitimacy L in [0, 1], broadcast against ``hardship``.

    Returns
    -------
    numpy.ndarray
        The grievance, same shape as the broadcast inputs.

    References
    ----------
    Epstein, J. M. (2002). Modeling civil violence. PNAS 99 (suppl. 3), 7243-7250.
    """
    return np.asarray(hardship, dtype=float) * (1.0 - np.asarray(legitimacy, dtype=float))


def arrest_probability(
    cops: np.ndarray | float,
    actives_with_self: np.ndarray | float,
    *,
    k: float,
    rounding: Rounding,
) -> np.ndarray:
    r"""Estimated arrest probability :math:`P = 1 - \exp(-k\,\rho(C/A))` (Epstein 2002, eq. 2).

    Parameters
    ----------
    cops : array_like
        Cops C within vision.
    actives_with_self : array_like
        Active citizens A within vision, counting the citizen itself (so A >= 1).
    k : float
        Arrest-probability constant (Epstein's 2.3; the scenario's ``k``).
    rounding : {"exact", "floor", "round"}
        :math:`\rho`: identity (as printed), floor (NetLogo), or round half to even (Mesa);
        no default here, the scenario's ``rounding`` is the model's.

    Returns
    -------
    numpy.ndarray
        P in [0, 1), the broadcast shape of the inputs.

    References
    ----------
    Epstein, J. M. (2002). Modeling civil violence. PNAS 99 (suppl. 3), 7243-7250.
    """
    c, a = np.broadcast_arrays(np.asarray(cops, dtype=float), np.asarray(actives_with_self, float))
    if np.any(a < 1):
        raise ValueError("actives_with_self counts the citizen itself, so it must be >= 1")
    flat = _k.arrest_probability_array(
        np.ascontiguousarray(c).ravel(),
        np.ascontiguousarray(a).ravel(),
        float(k),
        _ROUNDING_CODES[rounding],
    )
    return flat.reshape(c.shape)


def neighbourhood_offsets(vision: int, shape: Neighbourhood) -> tuple[np.ndarray, np.ndarray]:
    """Offsets ``(dx, dy)`` of the sites an agent sees, its own site excluded.

    Parameters
    ----------
    vision : int
        Radius in sites.
    shape : {"von_neumann", "moore", "euclidean"}
        Manhattan diamond, square, or disc.

    Returns
    -------
    tuple of numpy.ndarray
        Integer offsets along x (columns) and y (rows), row-major order.
    """
    d = np.arange(-vision, vision + 1)
    dy, dx = np.meshgrid(d, d, indexing="ij")
    if shape == "von_neumann":
        keep = np.abs(dx) + np.abs(dy) <= vision
    elif shape == "moore":
        keep = np.ones_like(dx, dtype=bool)
    elif shape == "euclidean":
        keep = dx**2 + dy**2 <= vision**2
    else:
        raise ValueError(f"unknown neighbourhood {shape!r}")
    keep &= (dx != 0) | (dy != 0)
    return dx[keep].astype(np.int64), dy[keep].astype(np.int64)


def init_state(
    params: EpsteinParameters,
    n_runs: int | None = None,
    seed: int = 0,
    runs: np.ndarray | list[int] | range | None = None,
) -> EpsteinState:
    """Place citizens and cops, draw hardships and risk aversions, for each run.

    Parameters
    ----------
    params : EpsteinParameters
        Model parameters.
    n_runs : int, optional
        Number of runs, indexed ``0 .. n_runs-1``; ignored when ``runs`` is given.
    seed : int
        Master seed.
    runs : sequence of int, optional
        Explicit run indices (e.g. one chunk of a large ensemble).

    Returns
    -------
    EpsteinState
        All citizens quiet, none jailed.
    """
    if runs is None:
        if n_runs is None:
            raise ValueError("give n_runs or runs")
        runs = np.arange(n_runs)
    run_idx = np.asarray(runs, dtype=np.int64).ravel()
    n_cells = params.width * params.height
    n_r = run_idx.size

    kinds = np.empty((n_r, n_cells), dtype=_k.SITE_DTYPE)
    draws = []
    for i, run in enumerate(run_idx):
        gen = run_generator(seed, int(run), STREAM_EPSTEIN)
        u = gen.random(n_cells)
        # Per-site draws, as Mesa: a site is a citizen, a cop or empty.
        is_citizen = u < params.citizen_density
        is_cop = ~is_citizen & (u < params.citizen_density + params.cop_density)
        kinds[i] = np.where(is_citizen, _k.QUIET, np.where(is_cop, _k.COP, _k.EMPTY))
        n_cit = int(is_citizen.sum())
        draws.append(
            (
                np.flatnonzero(is_citizen),
                np.flatnonzero(is_cop),
                gen.random(n_cit),
                gen.random(n_cit),
                gen.integers(0, np.iinfo(np.uint64).max, dtype=np.uint64, endpoint=True),
            )
        )
    n_citizens = np.array([d[0].size for d in draws], dtype=np.int64)
    n_agents = n_citizens + np.array([d[1].size for d in draws], dtype=np.int64)
    width = max(int(n_agents.max(initial=0)), 1)

    occupant = np.full((n_r, n_cells), -1, dtype=np.int32)
    position = np.full((n_r, width), -1, dtype=np.int32)
    hardship = np.zeros((n_r, width))
    risk = np.zeros((n_r, width))
    rng_state = np.empty(n_r, dtype=np.uint64)
    for i, (cit_sites, cop_sites, h, ra, kernel_seed) in enumerate(draws):
        sites = np.concatenate([cit_sites, cop_sites])
        position[i, : sites.size] = sites
        occupant[i, sites] = np.arange(sites.size)
        hardship[i, : h.size] = h
        risk[i, : ra.size] = ra
        rng_state[i] = kernel_seed
    return EpsteinState(
        runs=run_idx,
        cell_kind=kinds,
        occupant=occupant,
        position=position,
        status=np.zeros((n_r, width), dtype=np.uint8),
        jail_term=np.zeros((n_r, width), dtype=np.int32),
        hardship=hardship,
        risk_aversion=risk,
        n_citizens=n_citizens,
        n_agents=n_agents,
        rng_state=rng_state,
    )


def step(
    state: EpsteinState,
    params: EpsteinParameters,
    legitimacy: np.ndarray | float,
    n_steps: int = 1,
) -> tuple[EpsteinState, EpsteinTrajectory]:
    """Advance every run by ``n_steps`` activation rounds.

    Parameters
    ----------
    state : EpsteinState
        Current state; not modified.
    params : EpsteinParameters
        Model parameters (``params.legitimacy`` is ignored here).
    legitimacy : float or numpy.ndarray
        Legitimacy per run ``[run]`` held over the steps, or a path ``[run, step]``
        (a scalar or a ``[step]`` path applies to all runs when ``n_steps`` matches).
    n_steps : int
        Number of steps.

    Returns
    -------
    new_state : EpsteinState
        The state after the steps.
    trajectory : EpsteinTrajectory
        Active, jailed and quiet citizens after each step, ``[run, step]``.
    """
    lam = _legitimacy_path(legitimacy, state.n_runs, n_steps)
    new = state.copy()
    dx, dy = neighbourhood_offsets(params.vision, params.neighbourhood)
    active = np.zeros((state.n_runs, n_steps), dtype=np.int64)
    jailed = np.zeros((state.n_runs, n_steps), dtype=np.int64)
    # The kernel reads a haloed copy of the torus (see _epstein_kernels); the state keeps
    # the plain lattice.
    v, h, w = params.vision, params.height, params.width
    padded = np.pad(
        state.cell_kind.reshape(state.n_runs, h, w), ((0, 0), (v, v), (v, v)), mode="wrap"
    ).reshape(state.n_runs, -1)
    masks = _window_masks(dx, dy, params.vision)
    run_steps = _k.run_steps_for(
        movement=bool(params.movement),
        rounding=_ROUNDING_CODES[params.rounding],
        keep_cell=bool(params.jailed_keep_cell),
        windowed=masks.size > 0,
    )
    run_steps(
        padded,
        new.occupant,
        new.position,
        new.status,
        new.jail_term,
        new.hardship,
        new.risk_aversion,
        new.n_citizens,
        new.n_agents,
        new.rng_state,
        lam,
        params.width,
        params.height,
        params.vision,
        dx,
        dy,
        float(params.k),
        float(params.threshold),
        int(params.max_jail_term),
        masks,
        active,
        jailed,
    )
    new.cell_kind[:] = padded.reshape(state.n_runs, h + 2 * v, w + 2 * v)[
        :, v : v + h, v : v + w
    ].reshape(state.n_runs, -1)
    quiet = new.n_citizens[:, None] - active - jailed
    return new, EpsteinTrajectory(active, jailed, quiet, new.n_citizens.copy())


SITE_EMPTY, SITE_QUIET, SITE_ACTIVE, SITE_COP, SITE_JAILED = range(5)


def _window_masks(offset_dx: np.ndarray, offset_dy: np.ndarray, vision: int) -> np.ndarray:
    # The kernel counts a neighbourhood by rows of sites when it fits (see _window_sums),
    # else site by site (an empty mask).
    if vision > _window_sums.MAX_VISION:
        return np.zeros(0, dtype=np.uint8)
    return _window_sums.row_masks(offset_dx, offset_dy, vision)


def lattice(state: EpsteinState, params: EpsteinParameters) -> np.ndarray:
    """The sites of each run as ``[run, height, width]`` codes.

    Codes: 0 empty, 1 quiet citizen, 2 active citizen, 3 cop, 4 jailed citizen keeping its
    site (``SITE_EMPTY`` ... ``SITE_JAILED``).
    """
    out = np.zeros(state.cell_kind.shape, dtype=np.uint8)
    for code, kernel_code in (
        (SITE_QUIET, _k.QUIET),
        (SITE_ACTIVE, _k.ACTIVE),
        (SITE_COP, _k.COP),
        (SITE_JAILED, _k.JAILED),
    ):
        out[state.cell_kind == kernel_code] = code
    return out.reshape(state.n_runs, params.height, params.width)


def active_share(state: EpsteinState) -> np.ndarray:
    """Share of each run's citizens who are active now, ``[run]``."""
    return _status_share(state, _k.STATUS_ACTIVE)


def jailed_share(state: EpsteinState) -> np.ndarray:
    """Share of each run's citizens who are in jail now, ``[run]``."""
    return _status_share(state, _k.STATUS_JAILED)


def simulate(
    params: EpsteinParameters,
    n_runs: int | None = None,
    steps: int = 100,
    seed: int = 0,
    legitimacy: np.ndarray | float | None = None,
    runs: np.ndarray | list[int] | range | None = None,
) -> dict[str, np.ndarray]:
    """Run the model from a fresh start.

    Parameters
    ----------
    params : EpsteinParameters
        Model parameters.
    n_runs : int, optional
        Number of runs ``0 .. n_runs-1`` (or give ``runs``).
    steps : int
        Number of steps.
    seed : int
        Master seed.
    legitimacy : float or numpy.ndarray, optional
        ``None`` (``params.legitimacy`` throughout), a scalar, a path ``[step]`` shared by
        all runs, or ``[run, step]``.
    runs : sequence of int, optional
        Explicit run indices.

    Returns
    -------
    dict of numpy.ndarray
        ``runs`` [run], ``n_citizens`` [run], and ``active``, ``jailed``, ``quiet``,
        ``active_share`` [run, step] (counts after each step).

    Examples
    --------
    >>> out = simulate(EpsteinParameters.mesa_defaults(), n_runs=4, steps=50, seed=1)
    >>> out["active"].shape
    (4, 50)
    """
    state = init_state(params, n_runs=n_runs, seed=seed, runs=runs)
    lam = params.legitimacy if legitimacy is None else legitimacy
    _, traj = step(state, params, lam, steps)
    return {
        "runs": state.runs,
        "n_citizens": traj.n_citizens,
        "active": traj.active,
        "jailed": traj.jailed,
        "quiet": traj.quiet,
        "active_share": traj.active_share,
    }


def outbursts(active: np.ndarray, level: float = 50) -> dict[str, np.ndarray]:
    """Episodes where the active count exceeds ``level``, in one run's series.

    An outburst is a maximal run of consecutive steps with ``active > level``. Episodes cut
    by the start or end of the series are dropped, so that sizes and waits are not
    truncated.

    Parameters
    ----------
    active : numpy.ndarray
        Active citizens per step, ``[step]``.
    level : float
        Activity level that defines an outburst.

    Returns
    -------
    dict of numpy.ndarray
        ``start`` and ``duration`` (steps), ``peak`` (largest active count), ``total``
        (sum of active counts over the episode: Epstein's "total activation"), and
        ``waiting`` (steps from the end of one outburst to the start of the next; one fewer
        entry than the outbursts).
    """
    above = np.asarray(active) > level
    edges = np.diff(above.astype(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)  # exclusive
    complete = (starts > 0) & (ends < above.size)
    starts, ends = starts[complete], ends[complete]
    peaks = np.array([active[s:e].max() for s, e in zip(starts, ends, strict=True)], dtype=float)
    totals = np.array([active[s:e].sum() for s, e in zip(starts, ends, strict=True)], dtype=float)
    return {
        "start": starts,
        "duration": ends - starts,
        "peak": peaks,
        "total": totals,
        "waiting": starts[1:] - ends[:-1],
    }


def _status_share(state: EpsteinState, code: np.uint8) -> np.ndarray:
    cols = np.arange(state.status.shape[1])[None, :]
    is_citizen = cols < state.n_citizens[:, None]
    count = ((state.status == code) & is_citizen).sum(axis=1)
    return count / np.maximum(state.n_citizens, 1)


def _legitimacy_path(legitimacy: np.ndarray | float, n_runs: int, n_steps: int) -> np.ndarray:
    lam = np.asarray(legitimacy, dtype=float)
    if lam.ndim == 0:
        lam = np.full((n_runs, n_steps), float(lam))
    elif lam.ndim == 1 and lam.size == n_runs:
        lam = np.repeat(lam[:, None], n_steps, axis=1)
    elif lam.ndim == 1 and lam.size == n_steps:
        lam = np.repeat(lam[None, :], n_runs, axis=0)
    elif lam.shape != (n_runs, n_steps):
        raise ValueError(
            f"legitimacy must be a scalar, [run]={n_runs}, [step]={n_steps} or "
            f"[run, step]; got shape {lam.shape}"
        )
    if np.any((lam < 0) | (lam > 1)):
        raise ValueError("legitimacy must lie in [0, 1]")
    return np.ascontiguousarray(lam)
