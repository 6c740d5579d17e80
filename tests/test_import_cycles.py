"""No module of the project imports another that imports it back (scripts/import-cycles)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKER = ROOT / "scripts" / "import-cycles"


def check(root: Path | None = None) -> subprocess.CompletedProcess:
    args = [sys.executable, str(CHECKER)] + ([str(root)] if root else [])
    # Our own interpreter on our own script.
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_project_has_no_import_cycle():
    result = check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no import cycles among" in result.stdout


def test_a_function_local_import_closes_a_cycle(tmp_path):
    write(
        tmp_path,
        {
            "app.py": "import seed.cli\n",
            "seed/__init__.py": "",
            "seed/cli.py": "def demo():\n    from app import write_secret_key\n",
        },
    )
    result = check(tmp_path)
    assert result.returncode == 1
    assert "import cycle: app -> seed.cli -> app" in result.stdout
    assert "seed/cli.py:2" in result.stdout


def test_type_checking_imports_and_package_parents_are_no_cycle(tmp_path):
    write(
        tmp_path,
        {
            "models.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import audit\n",
            "audit.py": "import models\n",
            "pkg/__init__.py": "from pkg.core import run\n",
            "pkg/core.py": "from . import util\nfrom pkg.util import helper\n",
            "pkg/util.py": "import models\n",
        },
    )
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout


def test_relative_imports_are_followed(tmp_path):
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from .b import thing\n",
            "pkg/b.py": "def later():\n    from . import a\n",
        },
    )
    result = check(tmp_path)
    assert result.returncode == 1
    assert "pkg.a -> pkg.b -> pkg.a" in result.stdout


def test_only_entry_points_import_the_app_factory(tmp_path):
    write(
        tmp_path,
        {
            "app.py": "",
            "tests/test_x.py": "from app import create_app\n",
            "reports/__init__.py": "",
            "reports/cli.py": "import app\n",
        },
    )
    result = check(tmp_path)
    assert result.returncode == 1
    assert "reports.cli imports the app factory" in result.stdout
    assert "tests.test_x" not in result.stdout
