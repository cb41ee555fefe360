"""The package builds as a wheel, installs into a fresh environment and works outside the
repository: catalogues, lesson texts, synonyms, the sample data and the workbench itself.

The wheel is built offline from a copy of the sources (``pip wheel --no-deps
--no-build-isolation``, with the pinned setuptools of requirements-dev.txt) and installed with
``--no-deps`` into a new virtual environment that sees this environment's libraries through a
``.pth`` file. Every check then runs with the temporary folder as working directory and no
``PYTHONPATH``, so nothing can come from the checkout.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

import kundenmodell

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "app.py", ".streamlit", "assets", "kundenmodell", "ui")
SOURCES += ("views",)

INSTALLED = textwrap.dedent(
    """
    import importlib.metadata, sys
    from pathlib import Path
    import kundenmodell as km
    from kundenmodell.__main__ import workbench_dir
    from kundenmodell.i18n import t
    from kundenmodell.io.mapping import SYNONYMS_FILE
    from kundenmodell.learn.chapters import CONTENT_DIR

    package = Path(km.__file__).parent
    assert package.is_relative_to(Path(sys.prefix)), package
    assert importlib.metadata.version("kundenmodell") == km.__version__
    print(t("page.home", "de"), t("page.home", "nb"))
    print(km.load_sample("de").n_customers, km.load_sample("en").n_customers)
    print(SYNONYMS_FILE.is_file(), len(list(CONTENT_DIR.glob("*.toml"))))
    print(workbench_dir() == package / "workbench")
    """
)

APP_RUNS = textwrap.dedent(
    """
    from streamlit.testing.v1 import AppTest
    from kundenmodell.__main__ import workbench_dir
    app = AppTest.from_file(str(workbench_dir() / "app.py"), default_timeout=60)
    app.query_params["lang"] = "en"
    app.run()
    assert not app.exception, app.exception
    print(app.title[0].value)
    """
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources (the checkout gets no build/ folder)."""
    work = tmp_path_factory.mktemp("build")
    source = work / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    done = subprocess.run(
        [*command, "--quiet", "--wheel-dir", str(work / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (found,) = (work / "dist").glob("kundenmodell-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with only the wheel installed, this one's libraries visible."""
    target = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True)
    python = target / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    libraries = os.path.realpath(sysconfig.get_paths()["purelib"])
    (site / "outer_libraries.pth").write_text(libraries + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
    done = subprocess.run([*pip, "--quiet", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return target


def _run(venv: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        [str(venv / "bin" / "python"), *args],
        cwd=venv.parent,
        env={**env, "LANG": "en_US.UTF-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_wheel_holds_every_file_of_the_package_and_the_workbench(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "kundenmodell"
    expected = {
        path.relative_to(ROOT).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected - names == set()
    workbench = {"app.py", ".streamlit/config.toml", "assets/favicon.png"}
    workbench |= {
        f"{folder}/{path.name}"
        for folder in ("views", "ui")
        for path in (ROOT / folder).glob("*.py")
    }
    assert {f"kundenmodell/workbench/{name}" for name in workbench} - names == set()
    assert wheel.name == f"kundenmodell-{kundenmodell.__version__}-py3-none-any.whl"


def test_installed_package_reads_its_data_outside_the_repository(venv):
    done = _run(venv, "-c", INSTALLED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["Start Start", "1000 600", "True 3", "True"]


def test_installed_command_starts_nothing_without_a_subcommand(venv):
    done = subprocess.run(
        [str(venv / "bin" / "kundenmodell")], capture_output=True, text=True, env={"LANG": "en_US"}
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Usage: python -m kundenmodell app")


def test_installed_workbench_runs_its_start_page(venv):
    done = _run(venv, "-c", APP_RUNS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Welcome to the Kundenmodell Workbench"
