import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.settings import base


def test_mongolian_is_the_default_language_and_english_is_available():
    assert base.LANGUAGE_CODE == "mn"
    assert [code for code, _name in settings.LANGUAGES] == ["mn", "en"]


def test_deadlines_use_ulaanbaatar_time_with_aware_datetimes():
    assert settings.TIME_ZONE == "Asia/Ulaanbaatar"
    assert settings.USE_TZ is True


def test_sqlite_is_configured_for_concurrent_writers():
    sqlite_options = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
    if base.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        assert base.DATABASES["default"]["OPTIONS"] == sqlite_options
    else:
        assert base.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


# --- passwords ------------------------------------------------------------------------------------------------


def test_chosen_passwords_are_checked_for_length_commonness_digits_and_likeness_to_the_user():
    assert settings.AUTH_PASSWORD_VALIDATORS == [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    ]


# --- production ------------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "k3Jx9-Qv7_wZp2Lr8Ns4Tb6Yc1Hd5Gf0Mj3Ue7Xa9Ro2Ei6Wq4Vn8Ks1Bl5Pz0Dy7Ct"


def production(*args: str, env: dict[str, str] | None = None, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run Python with the production settings and a clean environment (plus ``env``)."""
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "example.mn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        **(env or {}),
    }
    environment = {name: value for name, value in environment.items() if value != "<unset>"}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_deploy_check_reports_nothing_with_the_production_settings(tmp_path):
    result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


WEAK_KEY = "SECRET_KEY must be set in the environment for production: at least 50 random characters."


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": "<unset>"}, WEAK_KEY),
        ({"SECRET_KEY": "short-but-random-9f3k"}, WEAK_KEY),
        ({"SECRET_KEY": "ab" * 40}, WEAK_KEY),
        ({"SECRET_KEY": "django-insecure-" + PRODUCTION_KEY}, WEAK_KEY),
        ({"DATABASE_URL": "<unset>"}, "DATABASE_URL must be set in the environment for production."),
        (
            {"ALLOWED_HOSTS": "<unset>"},
            "ALLOWED_HOSTS must be set in the environment for production (comma-separated).",
        ),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS must be set in the environment for production (comma-separated)."),
    ],
)
def test_production_refuses_to_start_without_its_secrets_from_the_environment(tmp_path, env, message):
    result = production("manage.py", "check", env=env, tmp_path=tmp_path)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"django.core.exceptions.ImproperlyConfigured: {message}"
    assert result.stdout == ""


PRODUCTION_PROBE = """
import json
import django
from django.conf import settings
django.setup()
from django.test import Client

names = [
    "DEBUG", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
]
client = Client()
plain = client.get("/login/", HTTP_HOST="example.mn")
secure = client.get("/login/", HTTP_HOST="example.mn", HTTP_X_FORWARDED_PROTO="https")
csrf = secure.cookies["csrftoken"]
print(json.dumps({
    "settings": {name: getattr(settings, name) for name in names},
    "database": settings.DATABASES["default"]["ENGINE"],
    "plain": [plain.status_code, plain["Location"]],
    "secure": secure.status_code,
    "headers": {name: secure.get(name) for name in [
        "Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ]},
    "csp": sorted(part.strip() for part in secure["Content-Security-Policy"].split(";")),
    "csrf_cookie": {"secure": csrf["secure"], "httponly": csrf["httponly"], "samesite": csrf["samesite"]},
}))
"""


def test_production_answers_over_https_only_with_secure_cookies_and_the_browser_protections(tmp_path):
    result = production("-c", PRODUCTION_PROBE, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "settings": {
            "DEBUG": False,
            "ALLOWED_HOSTS": ["example.mn"],
            "SESSION_COOKIE_SECURE": True,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "CSRF_COOKIE_SECURE": True,
            "CSRF_COOKIE_SAMESITE": "Lax",
            "SECURE_SSL_REDIRECT": True,
            "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        },
        "database": "django.db.backends.sqlite3",
        "plain": [301, "https://example.mn/login/"],
        "secure": 200,
        "headers": {
            "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
        },
        "csp": sorted(f"{name} {' '.join(values)}" for name, values in SITE_POLICY.items()),
        "csrf_cookie": {"secure": True, "httponly": "", "samesite": "Lax"},
    }


def test_the_sign_in_limits_come_from_the_environment(tmp_path):
    env = {
        "LOGIN_FAILURE_LIMIT": "7",
        "LOGIN_FAILURE_LIMIT_PER_IP": "70",
        "LOGIN_FAILURE_WINDOW_MINUTES": "20",
        "LOGIN_LOCKOUT_MINUTES": "30",
        "TRUSTED_PROXY_COUNT": "1",
    }
    script = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps({n: getattr(settings, n) for n in %r}))"
    )

    result = production("-c", script % sorted(env), env=env, tmp_path=tmp_path)
    refused = production("-c", script % sorted(env), env={"LOGIN_LOCKOUT_MINUTES": "0"}, tmp_path=tmp_path)

    assert json.loads(result.stdout) == {name: int(value) for name, value in env.items()}
    assert refused.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        "The LOGIN_FAILURE_* and LOGIN_LOCKOUT_MINUTES settings must be positive whole numbers."
    )


# --- Content Security Policy --------------------------------------------------------------------------------------

SITE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def policy_of(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {name: values for name, *values in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/login/", "/register/", "/admin/login/", "/api/v1/me/"])
def test_every_page_gets_the_sites_policy(client, path):
    assert policy_of(client.get(path)) == SITE_POLICY


@pytest.mark.django_db
def test_swagger_ui_may_run_its_inline_start_up_script_and_its_one_style_block(client):
    response = client.get("/api/v1/schema/swagger-ui/")
    page = response.content.decode()

    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    hashes = ["'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in styles]
    assert policy_of(response) == {
        **SITE_POLICY,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", *hashes],
    }
    assert hashes == ["'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"]


@pytest.mark.django_db
def test_redoc_may_write_its_styles_and_start_its_search_worker_but_runs_no_inline_script(client):
    response = client.get("/api/v1/schema/redoc/")

    assert policy_of(response) == {
        **SITE_POLICY,
        "style-src": ["'self'", "'unsafe-inline'"],
        "worker-src": ["blob:"],
    }
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode()) == []
