"""Settings, read from the environment through small typed helpers that fail loudly."""

from __future__ import annotations

import importlib.util
import os
import secrets
from collections.abc import Mapping
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


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default or " ").split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """``NAME`` itself, or the content of the file named by ``NAME_FILE`` (a secret mounted
    by the service manager or the container runtime); not both."""
    value = os.environ.get(name, "")
    file_name = os.environ.get(f"{name}_FILE", "")
    if value and file_name:
        raise ImproperlyConfigured(f"set either {name} or {name}_FILE, not both")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
    return value or default


# The data directory: TUIXUAN_DATA_DIR; else ./var of the project checkout when the package
# runs from one (an editable install next to run.py and pyproject.toml); else a fixed path.
DEFAULT_DATA_DIR = Path("/var/lib/tuixuan")


def checkout_dir(package_dir: Path) -> Path | None:
    """The project checkout this package is run from, if any (``src/tuixuan`` in it)."""
    root = package_dir.parent.parent
    if (root / "run.py").is_file() and (root / "pyproject.toml").is_file():
        return root
    return None


def data_dir(environ: Mapping[str, str], package_dir: Path) -> tuple[Path, str]:
    """The data directory and where it came from: ``env``, ``checkout`` or ``default``."""
    explicit = environ.get("TUIXUAN_DATA_DIR", "")
    if explicit:
        return Path(explicit).resolve(), "env"
    checkout = checkout_dir(package_dir)
    if checkout is not None:
        return checkout / "var", "checkout"
    return DEFAULT_DATA_DIR, "default"


DATA_DIR, DATA_DIR_SOURCE = data_dir(os.environ, BASE_DIR)
DEMO_MODE = env_bool("TUIXUAN_DEMO", False)
DEBUG = env_bool("TUIXUAN_DEBUG", False)


def _secret_key() -> str:
    """TUIXUAN_SECRET_KEY (or _FILE), else a random key kept in the data directory."""
    value = env_secret("TUIXUAN_SECRET_KEY")
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

ALLOWED_HOSTS = env_list("TUIXUAN_ALLOWED_HOSTS", "127.0.0.1,localhost")
# Behind a reverse proxy that terminates HTTPS: origins as the browser sees them
# (https://tuixuan.example.cn), and the proxy's X-Forwarded-Proto/-Host headers trusted.
CSRF_TRUSTED_ORIGINS = env_list("TUIXUAN_CSRF_TRUSTED_ORIGINS")
BEHIND_HTTPS_PROXY = env_bool("TUIXUAN_BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

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

# Development settings: where the development dependencies are installed (requirements/dev.txt,
# as `python3 run.py setup` does; a production server installs requirements/prod.txt only),
# or TUIXUAN_DEV=1, the benchmark commands (tuixuan.bench) are installed; TUIXUAN_DEV=0 not.
DEVELOPMENT = env_bool("TUIXUAN_DEV", importlib.util.find_spec("pytest_django") is not None)
if DEVELOPMENT:
    INSTALLED_APPS += ["tuixuan.bench"]

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
    url = env_secret("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'tuixuan.sqlite3'}"
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL with synchronous=FULL: a commit (a confirmed ballot, a decision) is on disk
        # when it returns, and survives a power cut, not only a killed process.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
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
SESSION_COOKIE_SECURE = env_bool("TUIXUAN_SECURE_COOKIES", BEHIND_HTTPS_PROXY)
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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TUIXUAN_LOG_LEVEL", "WARNING")},
}
