"""`manage.py check --deploy` passes with production settings: secure cookies, HSTS, HTTPS."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

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
