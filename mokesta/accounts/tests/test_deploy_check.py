"""`manage.py check --deploy` passes with production settings: secure cookies, HSTS, HTTPS."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.checks import run_checks

ROOT = Path(settings.BASE_DIR)


def run_check(**environment: str) -> subprocess.CompletedProcess[str]:
    # A clean production environment: the browser fixture's DJANGO_ALLOW_ASYNC_UNSAFE and any
    # development DEBUG/SITE_URL of this shell must not leak in.
    leaks = {"DEBUG", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in leaks}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-" + "x7Qp9Lm2Vr8Ts4Wn6Yb1Zc5Hd0Jf3Gk" * 2,
    "SITE_URL": "https://savitarna.example.lt",
    "ALLOWED_HOSTS": "savitarna.example.lt",
}


def test_it_passes_the_deploy_check_with_production_settings() -> None:
    result = run_check(**PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_catches_a_plain_http_site() -> None:
    # Proves the check above is real: without https:// the secure settings are off.
    result = run_check(**{**PRODUCTION, "SITE_URL": "http://savitarna.example.lt"})
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout


def test_a_per_process_cache_fails_the_deploy_check() -> None:
    # The check itself, in this process: LocMem (what the tests use) is refused.
    errors = [m.id for m in run_checks(include_deployment_checks=True, tags=["security"])]
    assert "mokesta.E001" in errors


def test_the_database_cache_passes_it(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mokesta_cache",
        }
    }
    errors = [m.id for m in run_checks(include_deployment_checks=True, tags=["security"])]
    assert "mokesta.E001" not in errors


def test_the_recipes_settings_pass_the_deploy_check() -> None:
    # deploy/mokesta.env's settings (behind nginx, workers, database cache).
    result = run_check(**PRODUCTION, TRUSTED_PROXY_COUNT="1", TASK_BACKEND="database")
    assert result.returncode == 0, result.stdout + result.stderr
