"""Settings, read from the environment through small typed helpers that fail loudly."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
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
    "tuixuan.core.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tuixuan.core.passwords.ComplexityValidator"},
]

# Login policy: lockout after repeated failures, idle timeout.
LOGIN_MAX_FAILURES = env_int("TUIXUAN_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("TUIXUAN_LOGIN_LOCKOUT_MINUTES", 15)
SESSION_IDLE_TIMEOUT_SECONDS = env_int("TUIXUAN_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("TUIXUAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

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
    # A refused request (403, 404, 400) is one line: status, method, path, user; no traceback.
    "filters": {"refusal_line": {"()": "tuixuan.core.logs.RefusalLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {"class": "logging.StreamHandler", "filters": ["refusal_line"]},
    },
    "loggers": {
        "django.request": {"handlers": ["requests"], "propagate": False},
        "django.security": {"handlers": ["requests"], "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env_str("TUIXUAN_LOG_LEVEL", "WARNING")},
}
