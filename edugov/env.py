"""Strict helpers that read settings from the environment: a bad value stops start-up."""
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def string(name: str, *, default: str) -> str:
    return os.environ.get(name, default)


def boolean(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def integer(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def csv(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


# Values that show up in examples and tutorials; a key an attacker can guess forges every session.
_PLACEHOLDER_KEYS = {"change-me", "changeme", "change_me", "secret", "secret-key", "secretkey", "dev-only-insecure-key"}


def secret_key(name: str, *, debug: bool) -> str:
    """The SECRET_KEY; with DEBUG off an empty, placeholder or short key stops start-up.

    "Short" is Django's own rule (check W009): at least 50 characters, at least 5 distinct ones."""
    key = os.environ.get(name, "")
    if debug:
        return key or "dev-only-insecure-key"
    lowered = key.strip().lower()
    if lowered in _PLACEHOLDER_KEYS or lowered.startswith("django-insecure-") or len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            f"{name} 未设置、是示例占位值或太短(DEBUG 关闭时需至少 50 个随机字符)。生成一个:python -c "
            "'from django.core.management.utils import get_random_secret_key; print(get_random_secret_key())'"
        )
    return key
