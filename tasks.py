"""Set up the project's virtual environment and run its jobs.

    python3 tasks.py run            # the default study (offramp run)
    python3 tasks.py test           # the whole test suite
    python3 tasks.py test --fast    # development: skip the slow tests, stop at the first failure
    python3 tasks.py docs           # the documentation site, into site/ (strict: warnings fail)

Further arguments go to ``offramp run`` or to pytest (``python3 tasks.py test --fast -k hk``).

Only the Python standard library is used here, so that a fresh machine with Python 3.11+
and the package registries is enough. The environment is rebuilt when pyproject.toml
changes (its hash is kept in .venv/.offramp-installed).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".offramp-installed"


def _spec_hash(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(extras.encode())
    return digest.hexdigest()


def ensure_environment(extras: str) -> None:
    """Create .venv and install the package with the given extras, once per pyproject."""
    wanted = _spec_hash(extras)
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    target = f".[{extras}]" if extras else "."
    print(f"installing offramp{'[' + extras + ']' if extras else ''} into {VENV}", flush=True)
    subprocess.run([*pip, "-e", target], check=True, cwd=ROOT)
    STAMP.write_text(wanted)


def ensure_chromium() -> None:
    """Install Debian's Chromium for the browser tests, if missing and we may (root, apt).

    A failure does not stop the tests: the browser tests then skip and say why.
    """
    if Path("/usr/bin/chromium").exists():
        return
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not Path("/usr/bin/apt-get").exists():
        print(
            "chromium: /usr/bin/chromium missing and not root with apt-get; "
            "the browser tests will skip",
            flush=True,
        )
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        print(f"chromium: running {' '.join(command)}", flush=True)
        if subprocess.call(command, env=env) != 0:
            print("chromium: install failed; the browser tests will skip", flush=True)
            return


# The development loop: the tests marked slow (CI still runs them) left out, and the run
# stopped at the first failure.
FAST_PYTEST_ARGS = ["-m", "not slow", "-x"]


def parallel_pytest_args() -> list[str]:
    """One pytest process per core (pytest-xdist), at most four; a test file stays in one.

    Much of the suite is single-threaded (building the wheel, running notebooks, Mesa), so
    two processes on two cores take about 320 s where one took 540 s. Keeping each file in
    one process builds a module's fixtures once. ``-n 0`` after the command turns it off.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return ["-n", str(max(1, min(4, cores or 1))), "--dist", "loadfile"]


def build_docs(site_dir: Path, extra: list[str]) -> int:
    """Build the MkDocs site into ``site_dir`` in strict mode (offline: no network needed)."""
    # Material prints a banner about MkDocs 2 on every build; the variable silences it.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [str(BIN / "python"), "-m", "mkdocs", "build", "--strict", "--site-dir"]
    return subprocess.call([*command, str(site_dir), *extra], cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "docs"}:
        print(__doc__)
        return 2
    job, rest = argv[0], argv[1:]
    ensure_environment("dev")
    if job == "run":
        return subprocess.call([str(BIN / "offramp"), "run", *rest], cwd=ROOT)
    if job == "docs":
        return build_docs(ROOT / "site", rest)
    if "--fast" in rest:
        rest = [*FAST_PYTEST_ARGS, *(arg for arg in rest if arg != "--fast")]
    ensure_chromium()
    command = [str(BIN / "python"), "-m", "pytest", *parallel_pytest_args(), *rest]
    return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
