"""A built wheel works on its own: installed outside the source tree, offramp runs from it.

The test builds the sdist and the wheel (``python -m build``, the wheel from the sdist),
installs the wheel into a new virtual environment in a temporary folder and runs
``offramp`` from there, with the working directory outside the tree and no ``PYTHONPATH``:
``--version``, ``scenarios``, ``assumptions``, ``data list``, ``run --runs 50``, ``report``,
and ``serve`` answering HTTP requests on 127.0.0.1. It checks that every file the source
package holds besides its Python code (bundled scenarios, data files, assumption sets, the
dashboard's static files, and whatever is added beside them later) is in the wheel and
readable from the installed package.

Installing the wheel with its dependencies resolved by pip into a new environment took
2.6 minutes (38 s of CPU) and 1.2 GB on this project's 2-core machine, shared, with pip's
cache warm; the whole test then took 8.6 minutes, against 2.5 in the default mode. By
default the new environment therefore gets the dependencies of the environment running the
tests, through a ``.pth`` file naming its site-packages: a ``.pth``
file there is not processed (only those of a site directory are), so the editable install
of the source tree (a ``.pth`` hook of its own) stays invisible, and ``offramp`` can only come
from the wheel, installed with ``--no-deps``. The wheel's declared dependencies are checked
against ``pyproject.toml`` instead. ``OFFRAMP_WHEEL_FULL_INSTALL=1`` installs the wheel with
its dependencies resolved by pip, as a user would.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "offramp"
SERVE_START_TIMEOUT_S = 90

pytest.importorskip("build", reason="the build frontend (pip install -e .[dev])")


def _data_files() -> set[str]:
    """Every file of the source package that is not Python code, relative to src/."""
    skipped = {".py", ".pyc", ".pyi", ".nbi", ".nbc"}
    return {
        path.relative_to(ROOT / "src").as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in skipped and "__pycache__" not in path.parts
    }


def _clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "PYTHONNOUSERSITE": "1", "NO_COLOR": "1", "COLUMNS": "200", **(extra or {})}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        env=_clean_env(),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("offramp-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a new environment with the wheel installed."""
    import venv

    home = tmp_path_factory.mktemp("wheel-env")
    full = os.environ.get("OFFRAMP_WHEEL_FULL_INSTALL") == "1"
    venv.EnvBuilder(with_pip=full).create(home / "env")
    python = home / "env" / "bin" / "python"
    if full:
        install = [str(python), "-m", "pip", "install", "--quiet", str(wheel)]
    else:
        purelib = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
        Path(purelib, "dependencies-of-the-test-environment.pth").write_text(
            "\n".join(sorted(ours)) + "\n"
        )
        install = [sys.executable, "-m", "pip", "--python", str(python), "install"]
        install += ["--quiet", "--no-deps", "--no-index", str(wheel)]
    done = subprocess.run(install, capture_output=True, text=True, cwd=home, env=_clean_env())
    assert done.returncode == 0, done.stdout + done.stderr
    return home / "env" / "bin"


def _offramp(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bin_dir / "offramp"), *args], capture_output=True, text=True, cwd=cwd, env=_clean_env()
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_the_sdist_and_the_wheel_carry_every_data_file(dist: Path, wheel: Path):
    from offramp import __version__

    assert wheel.name == f"offramp-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = _data_files() - names
    assert not missing, f"not in the wheel (extend [tool.setuptools.package-data]): {missing}"
    (sdist,) = dist.glob("offramp-*.tar.gz")
    assert sdist.name == f"offramp-{__version__}.tar.gz"


@pytest.mark.slow
def test_the_wheel_declares_the_dependencies_of_pyproject(wheel: Path):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        lines = archive.read(metadata).decode().splitlines()
    declared = {line.split(": ", 1)[1] for line in lines if line.startswith("Requires-Dist: ")}
    runtime = {r.replace(" ", "") for r in declared if "extra ==" not in r}
    assert runtime == {r.replace(" ", "") for r in project["dependencies"]}
    assert "Version: " + __import__("offramp").__version__ in lines
    assert any(line == "Provides-Extra: dev" for line in lines)


@pytest.mark.slow
def test_offramp_runs_from_the_installed_wheel(installed: Path, tmp_path: Path):
    from offramp import CITATION, __version__

    where = subprocess.run(
        [str(installed / "python"), "-c", "import offramp; print(offramp.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
    )
    location = Path(where.stdout.strip())
    assert location.is_relative_to(installed.parent), location
    assert not location.is_relative_to(ROOT), location

    version = _offramp(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"offramp {__version__}"

    scenarios = _offramp(installed, "scenarios", cwd=tmp_path)
    assert scenarios.returncode == 0, scenarios.stderr
    for bundled in (PACKAGE / "scenarios").glob("*.toml"):
        assert bundled.stem in scenarios.stdout

    assumptions = _offramp(installed, "assumptions", cwd=tmp_path)
    assert assumptions.returncode == 0, assumptions.stderr
    for bundled in (PACKAGE / "assumptions").glob("*.toml"):
        assert bundled.stem in assumptions.stdout

    data = _offramp(installed, "data", "list", cwd=tmp_path)
    assert data.returncode == 0, data.stderr

    run = _offramp(installed, "run", "--runs", "50", "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    manifest = json.loads(run.stdout)["manifest"]
    assert manifest["runs"] == 50 and manifest["version"] == __version__
    assert manifest["cite"] == CITATION

    out = tmp_path / "x.html"
    report = _offramp(
        installed, "report", "ukraine-2022", "--runs", "50", "--out", str(out), cwd=tmp_path
    )
    assert report.returncode == 0, report.stderr
    text = out.read_text(encoding="utf-8")
    assert f"Generated by offramp {__version__}" in text and "How to cite" in text


@pytest.mark.slow
def test_every_data_file_is_readable_from_the_installed_package(installed: Path, tmp_path: Path):
    files = sorted(name.removeprefix("offramp/") for name in _data_files())
    program = (
        "import json, sys\nfrom importlib.resources import files\n"
        "names = json.loads(sys.stdin.read())\n"
        "print(json.dumps({n: files('offramp').joinpath(n).read_bytes().__len__() for n in names}))"
    )
    done = subprocess.run(
        [str(installed / "python"), "-c", program],
        input=json.dumps(files),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
    )
    assert done.returncode == 0, done.stderr
    sizes = json.loads(done.stdout)
    for name in files:
        assert sizes[name] == (PACKAGE / name).stat().st_size, name


@pytest.mark.slow
def test_the_dashboard_serves_from_the_installed_wheel(installed: Path, tmp_path: Path):
    port = _free_port()
    server = subprocess.Popen(
        [str(installed / "offramp"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=_clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SERVE_START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as answer:
                    page = answer.read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "offramp serve did not answer"
                time.sleep(0.5)
        assert page == (PACKAGE / "web" / "static" / "index.html").read_text(encoding="utf-8")
        with urllib.request.urlopen(base + "/static/app.js", timeout=10) as answer:
            assert answer.read() == (PACKAGE / "web" / "static" / "app.js").read_bytes()
        with urllib.request.urlopen(base + "/api/scenarios", timeout=30) as answer:
            listed = json.loads(answer.read())
        assert "ukraine-2022" in json.dumps(listed)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
