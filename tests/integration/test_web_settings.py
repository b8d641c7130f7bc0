"""Production settings: secrets only from the environment (no defaults), and check --deploy passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.production",
    "DJANGO_SECRET_KEY": "x9!" + "k" * 60 + "Qz#-production-like-secret-for-the-check",
    "DJANGO_ALLOWED_HOSTS": "workforce.example.nhs.uk",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _manage(env: dict[str, str], *args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "gpworkforce.web", *args],
        env={**base, **env, "DJANGO_STATIC_ROOT": str(tmp)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings(tmp_path: Path) -> None:
    result = _manage(PROD_ENV, "check", "--deploy", "--fail-level", "WARNING", tmp=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_each_required_variable(
    tmp_path: Path, missing: str
) -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage(env, "check", tmp=tmp_path)
    assert result.returncode != 0
    assert f"environment variable {missing} must be set" in result.stderr


def test_dev_settings_are_not_deployable(tmp_path: Path) -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.dev",
        "GPWORKFORCE_WEB_DB": str(tmp_path / "d.sqlite3"),
    }
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING", tmp=tmp_path)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr + result.stdout
