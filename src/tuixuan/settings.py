"""Settings, read from the environment through small typed helpers that fail loudly."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"environment variable {name} must be a boolean, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"environment variable {name} must be an integer") from exc


DATA_DIR = Path(env_str("TUIXUAN_DATA_DIR", str(Path.cwd() / "var"))).resolve()
DEMO_MODE = env_bool("TUIXUAN_DEMO", False)
DEBUG = env_bool("TUIXUAN_DEBUG", False)


def _secret_key() -> str:
    """TUIXUAN_SECRET_KEY, else a random key kept in the data directory (never a default)."""
    value = os.environ.get("TUIXUAN_SECRET_KEY", "")
    if value:
        return value
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip() for h in env_str("TUIXUAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "tuixuan.core",
    "tuixuan.registry",
    "tuixuan.dossier",
    "tuixuan.campaign",
    "tuixuan.nomination",
    "tuixuan.election",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tuixuan.core.middleware.IdleTimeoutMiddleware",
    "tuixuan.core.middleware.PasswordChangeRequiredMiddleware",
    "tuixuan.core.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "tuixuan.urls"
WSGI_APPLICATION = "tuixuan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuixuan.core.context_processors.navigation",
            ],
        },
    }
]


def _database_config() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'tuixuan.sqlite3'}"
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                "PRAGMA cache_size=-65536;"
            ),
        }
        config["TEST"] = (
            {"NAME": str(DATA_DIR / "test.sqlite3")}
            if env_bool("TUIXUAN_TEST_SQLITE_FILE", False)
            else {}
        )
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = "django.db.backends.postgresql"
    else:
        raise ImproperlyConfigured("DATABASE_URL must be sqlite:///path or postgres://...")
    return config


DATABASES = {"default": _database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"

# Django's validators with messages written in Chinese (docs/accounts.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "tuixuan.core.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "tuixuan.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "tuixuan.core.passwords.CommonPasswordValidator"},
    {"NAME": "tuixuan.core.passwords.NumericPasswordValidator"},
    {"NAME": "tuixuan.core.passwords.ComplexityValidator"},
]

# Login policy (docs/accounts.md): failures counted per (username, address), per address and
# per username, each with its own threshold; lockouts double from LOGIN_LOCKOUT_MINUTES up to
# LOGIN_LOCKOUT_MAX_MINUTES; failures older than the window are forgotten.
LOGIN_MAX_FAILURES = env_int("TUIXUAN_LOGIN_MAX_FAILURES", 5)
LOGIN_ADDRESS_MAX_FAILURES = env_int("TUIXUAN_LOGIN_ADDRESS_MAX_FAILURES", 20)
LOGIN_ACCOUNT_MAX_FAILURES = env_int("TUIXUAN_LOGIN_ACCOUNT_MAX_FAILURES", 50)
LOGIN_LOCKOUT_MINUTES = env_int("TUIXUAN_LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_LOCKOUT_MAX_MINUTES = env_int("TUIXUAN_LOGIN_LOCKOUT_MAX_MINUTES", 24 * 60)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("TUIXUAN_LOGIN_FAILURE_WINDOW_MINUTES", 60)
SESSION_IDLE_TIMEOUT_SECONDS = env_int("TUIXUAN_IDLE_TIMEOUT_SECONDS", 30 * 60)

# Cookies: HttpOnly session cookie, both cookies end with the browser and the session lives
# at most TUIXUAN_SESSION_MAX_AGE_SECONDS (8 hours). Served over HTTPS (TUIXUAN_HTTPS=1; the
# older TUIXUAN_SECURE_COOKIES is read as a fallback) both cookies are Secure and carry the
# __Host- prefix, which browsers accept only from a secure origin.
HTTPS = env_bool("TUIXUAN_HTTPS", env_bool("TUIXUAN_SECURE_COOKIES", False))
SESSION_COOKIE_AGE = env_int("TUIXUAN_SESSION_MAX_AGE_SECONDS", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_AGE = None
CSRF_COOKIE_SAMESITE = "Lax"
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles from our own static files, or
# inline with the per-response nonce; no plug-ins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Run imports started from the web in the request (tests) or in a background thread.
IMPORT_IN_BACKGROUND = env_bool("TUIXUAN_IMPORT_IN_BACKGROUND", "PYTEST_VERSION" not in os.environ)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TUIXUAN_LOG_LEVEL", "WARNING")},
}
