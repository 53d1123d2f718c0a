"""Production settings: every security setting from the environment with production defaults when
DEBUG is off, placeholder keys refused, a CSP, and `check --deploy` clean with the README's .env."""
import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(settings.BASE_DIR)
SETTINGS_FILE = str(ROOT / "edugov" / "settings.py")
GOOD_KEY = secrets.token_urlsafe(50)
SECURITY_VARIABLES = [
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_AGE", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "TRUST_X_FORWARDED_PROTO", "TRUSTED_PROXY_COUNT",
    "CSRF_TRUSTED_ORIGINS", "LOGIN_FAILURE_LIMIT", "LOGIN_COOLOFF_MINUTES", "API_THROTTLE_ANON",
    "API_THROTTLE_USER", "API_THROTTLE_TOKEN", "TOKEN_TTL_HOURS", "PASSWORD_MIN_LENGTH",
]


def load_settings(monkeypatch, **environ) -> dict:
    """edugov/settings.py evaluated afresh under this environment (the running settings stay as they are)."""
    for name in [*SECURITY_VARIABLES, "DEBUG", "SECRET_KEY"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS_FILE)


def readme_production_env() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    security = readme[readme.index("\n## Security"):]
    block = re.search(r"```env\n(.*?)```", security, flags=re.S).group(1)
    return dict(line.split("=", 1) for line in block.splitlines() if line.strip() and not line.startswith("#"))


def test_production_defaults_when_debug_is_off(monkeypatch):
    s = load_settings(monkeypatch, DEBUG="false", SECRET_KEY=GOOD_KEY)
    assert s["SECURE_SSL_REDIRECT"] and s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SECURE_HSTS_SECONDS"] == 31_536_000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["X_FRAME_OPTIONS"] == "DENY" and s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] and s["SESSION_COOKIE_AGE"] == 12 * 3600
    assert "SECURE_PROXY_SSL_HEADER" not in s  # opt-in only: trusted blindly, any client could claim HTTPS
    assert s["AXES_FAILURE_LIMIT"] == 5 and s["TOKEN_TTL_HOURS"] == 24


def test_development_defaults_when_debug_is_on(monkeypatch):
    s = load_settings(monkeypatch, DEBUG="true")
    assert not s["SECURE_SSL_REDIRECT"] and not s["SESSION_COOKIE_SECURE"] and s["SECURE_HSTS_SECONDS"] == 0


def test_every_security_setting_is_read_from_the_environment(monkeypatch):
    s = load_settings(
        monkeypatch, DEBUG="false", SECRET_KEY=GOOD_KEY, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false", SECURE_HSTS_PRELOAD="false", SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false", SESSION_COOKIE_AGE="600", SECURE_REFERRER_POLICY="no-referrer",
        SECURE_CROSS_ORIGIN_OPENER_POLICY="same-origin-allow-popups", X_FRAME_OPTIONS="SAMEORIGIN",
        TRUST_X_FORWARDED_PROTO="true", TRUSTED_PROXY_COUNT="1", CSRF_TRUSTED_ORIGINS="https://a.example,https://b.example",
        LOGIN_FAILURE_LIMIT="7", LOGIN_COOLOFF_MINUTES="30", API_THROTTLE_ANON="1/minute", API_THROTTLE_USER="2/minute",
        API_THROTTLE_TOKEN="3/minute", TOKEN_TTL_HOURS="2", PASSWORD_MIN_LENGTH="14",
    )
    assert (s["SECURE_SSL_REDIRECT"], s["SECURE_HSTS_SECONDS"], s["SECURE_HSTS_INCLUDE_SUBDOMAINS"],
            s["SECURE_HSTS_PRELOAD"], s["SESSION_COOKIE_SECURE"], s["CSRF_COOKIE_SECURE"]) == (
        False, 3600, False, False, False, False)
    assert (s["SESSION_COOKIE_AGE"], s["SECURE_REFERRER_POLICY"], s["SECURE_CROSS_ORIGIN_OPENER_POLICY"],
            s["X_FRAME_OPTIONS"]) == (600, "no-referrer", "same-origin-allow-popups", "SAMEORIGIN")
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["TRUSTED_PROXY_COUNT"] == 1 and s["REST_FRAMEWORK"]["NUM_PROXIES"] == 1
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://a.example", "https://b.example"]
    assert s["AXES_FAILURE_LIMIT"] == 7 and s["AXES_COOLOFF_TIME"].total_seconds() == 30 * 60
    assert s["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"] == {"anon": "1/minute", "user": "2/minute",
                                                            "token": "3/minute"}
    assert s["TOKEN_TTL_HOURS"] == 2
    assert s["AUTH_PASSWORD_VALIDATORS"][1]["OPTIONS"] == {"min_length": 14}


@pytest.mark.parametrize("key", [None, "change-me", "changeme", "CHANGE-ME", "secret", "dev-only-insecure-key",
                                 "django-insecure-kvPTU2QJnZ3DvMg2CndY9JbQbOyqP7Rd4UYiSHhYpFvCC9YK",  # fixed: xdist
                                 "too-short-but-random-Xq9",
                                 "ab" * 30])
def test_placeholder_or_short_secret_key_stops_start_up(monkeypatch, key):
    environ = {"DEBUG": "false"} | ({"SECRET_KEY": key} if key is not None else {})
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, **environ)


def test_readme_env_refuses_its_own_placeholder_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, **readme_production_env())


def test_check_deploy_is_clean_with_the_readme_production_env():
    # a clean environment: only what the README documents, with a real key in place of the placeholder
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8",
           "DJANGO_SETTINGS_MODULE": "edugov.settings", **readme_production_env(), "SECRET_KEY": GOOD_KEY}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


# --- Content Security Policy ---------------------------------------------------------------------------

def test_pages_carry_a_strict_script_policy(client, db):
    response = client.get("/accounts/login/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" in policy["style-src"]  # Plotly inserts <style> elements
    assert response["X-Frame-Options"] == "DENY" and response["Referrer-Policy"] == "same-origin"


TEMPLATES = sorted(p for d in ["templates", "plans", "indicators", "reports", "edugov"]
                   for p in (ROOT / d).rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_an_inline_script_or_handler(template):
    # the policy would block them: the page would silently lose that behaviour
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text) and not INLINE_HANDLER.search(text) and "javascript:" not in text
