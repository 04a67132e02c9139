"""Settings, read from the environment through small typed helpers that fail loudly."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
from collections.abc import Mapping
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

# Everything the system writes (database file, uploads, exports, keys, logs) holds personal
# data: created for its own user only, 0700 directories and 0600 files.
os.umask(0o077)


def _private(path: Path, mode: int) -> None:
    """Narrow a path this process owns to ``mode`` (one made before the umask, say)."""
    try:
        if path.exists() and path.stat().st_uid == os.getuid():
            path.chmod(mode)
    except OSError:
        pass


# (the fixed default of an installed copy may not be writable: `tuixuan serve` refuses it anyway)
with contextlib.suppress(PermissionError):
    DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
_private(DATA_DIR, 0o700)

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
    "csp",
    # In the order the work flows; each app imports only from those above it
    # (docs/design.md, checked by `python3 run.py check`).
    "tuixuan.core",
    "tuixuan.record",
    "tuixuan.jobs",
    "tuixuan.registry",
    "tuixuan.accounts",
    "tuixuan.campaign",
    "tuixuan.nomination",
    "tuixuan.vetting",
    "tuixuan.notice",
    "tuixuan.election",
    "tuixuan.oversight",
    "tuixuan.dossier",
    "tuixuan.demo",
    "django_tasks",
    "django_tasks_db",
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
    "tuixuan.core.dbrouting.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tuixuan.core.middleware.IdleTimeoutMiddleware",
    "tuixuan.core.middleware.PasswordChangeRequiredMiddleware",
    "tuixuan.core.middleware.NoStoreMiddleware",
    "tuixuan.core.middleware.DomainErrorMiddleware",
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


def _database_config(replica_url: str = "") -> dict[str, object]:
    url = replica_url or env_secret("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'tuixuan.sqlite3'}"
        for name in ("tuixuan.sqlite3", "tuixuan.sqlite3-wal", "tuixuan.sqlite3-shm"):
            _private(DATA_DIR / name, 0o600)
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
# DATABASE_REPLICA_URL: a read replica (PostgreSQL streaming replication) for the pages marked
# @read_replica; everything else, and every write, uses DATABASE_URL (core/dbrouting.py,
# docs/performance.md). Tests run against the primary's test database (MIRROR).
_REPLICA_URL = env_secret("DATABASE_REPLICA_URL")
READ_REPLICA = bool(_REPLICA_URL)
if READ_REPLICA:
    DATABASES["replica"] = {**_database_config(_REPLICA_URL), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["tuixuan.core.dbrouting.ReplicaRouter"]
# After a request that wrote, that browser reads from the primary for this long (replica lag).
REPLICA_PIN_SECONDS = env_int("TUIXUAN_REPLICA_PIN_SECONDS", 10)
# DATABASE_OWNER_URL: the role that owns the tables and runs `tuixuan migrate`; the app then
# connects with DATABASE_URL as a role that owns nothing (docs/record.md, "Database roles").
# `tuixuan migrate` sets TUIXUAN_DB_APP_ROLE to that role so the migration grants it.
DATABASE_APP_ROLE = env_str("TUIXUAN_DB_APP_ROLE", "")
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
HTTPS = env_bool("TUIXUAN_HTTPS", env_bool("TUIXUAN_SECURE_COOKIES", BEHIND_HTTPS_PROXY))
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
# ISO dates in every form field; one renderer for every form (docs/design.md, "Forms").
FORMAT_MODULE_PATH = ["tuixuan.formats"]
FORM_RENDERER = "tuixuan.core.forms.Renderer"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
# Keyed checkpoints of the record are also appended here, outside the database.
CHECKPOINT_LOG = DATA_DIR / "checkpoints.log"
WHITENOISE_USE_FINDERS = True

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Uploaded files: a size limit enforced while the upload arrives (before anything is stored),
# then spreadsheets are checked and parsed in a separate process (tuixuan.core.workbooks).
UPLOAD_MAX_MB = env_int("TUIXUAN_UPLOAD_MAX_MB", 50)
FILE_UPLOAD_HANDLERS = [
    "tuixuan.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
XLSX_MAX_ROWS = env_int("TUIXUAN_XLSX_MAX_ROWS", 1_100_000)
XLSX_MAX_COLUMNS = env_int("TUIXUAN_XLSX_MAX_COLUMNS", 200)
XLSX_MAX_MEMBERS = env_int("TUIXUAN_XLSX_MAX_MEMBERS", 1000)
XLSX_MAX_MEMBER_MB = env_int("TUIXUAN_XLSX_MAX_MEMBER_MB", 1024)
XLSX_MAX_UNCOMPRESSED_MB = env_int("TUIXUAN_XLSX_MAX_UNCOMPRESSED_MB", 2048)
XLSX_MAX_RATIO = env_int("TUIXUAN_XLSX_MAX_RATIO", 100)
WORKBOOK_READER_MEMORY_MB = env_int("TUIXUAN_WORKBOOK_READER_MEMORY_MB", 4096)
WORKBOOK_READER_SECONDS = env_int("TUIXUAN_WORKBOOK_READER_SECONDS", 300)

# Background work (docs/jobs.md): django-tasks with its database backend by default (no extra
# service; `tuixuan serve` runs one worker beside the web server); "rq" puts the queue in
# Redis for workers on several machines.
TASKS_BACKEND = env_str("TUIXUAN_TASKS_BACKEND", "database")
REDIS_URL = env_str("TUIXUAN_REDIS_URL", "redis://127.0.0.1:6379/0")
JOB_QUEUE = env_str("TUIXUAN_JOB_QUEUE", "default")
_QUEUES = sorted({"default", JOB_QUEUE})
RQ_QUEUES = {q: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600} for q in _QUEUES}
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": _QUEUES}}
elif TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": _QUEUES}}
else:
    raise ImproperlyConfigured("TUIXUAN_TASKS_BACKEND must be database or rq")
# Processes that render the books of a batch export (docs/performance.md); 1 renders in the
# worker itself. Batches smaller than EXPORT_POOL_MIN_BOOKS never start a pool.
EXPORT_PROCESSES = max(1, env_int("TUIXUAN_EXPORT_PROCESSES", os.cpu_count() or 1))
EXPORT_POOL_MIN_BOOKS = env_int("TUIXUAN_EXPORT_POOL_MIN_BOOKS", 40)
# A member export of at least this many rows runs as a job with progress (docs/jobs.md).
MEMBER_EXPORT_JOB_MIN_ROWS = env_int("TUIXUAN_MEMBER_EXPORT_JOB_MIN_ROWS", 10_000)
# An electorate of at least this many members is drawn as a job with progress (docs/jobs.md).
ELECTORATE_JOB_MIN_MEMBERS = env_int("TUIXUAN_ELECTORATE_JOB_MIN_MEMBERS", 1000)
# A running job whose worker sent no heartbeat for this long is marked failed.
JOB_STALE_SECONDS = env_int("TUIXUAN_JOB_STALE_SECONDS", 120)
JOB_HEARTBEAT_SECONDS = 2
# Uploads, error reports and exports older than this are deleted by the daily maintenance.
RETENTION_DAYS = env_int("TUIXUAN_RETENTION_DAYS", 7)
# Run once a day by the worker (dotted paths of functions taking no argument).
DAILY_JOBS = [
    "tuixuan.jobs.retention.purge_old_files",
    "tuixuan.jobs.retention.prune_task_results",
    "tuixuan.jobs.retention.prune_form_submissions",
    "tuixuan.record.checkpoints.daily",  # keyed checkpoint of every chain (docs/record.md)
    # verify-record, then the alert rules of every running campaign (docs/oversight.md)
    "tuixuan.oversight.alerts.daily",
]
# Alerts also go out by e-mail through Django's mail settings (docs/oversight.md); off by
# default, the inbox is always there.
ALERT_EMAIL = env_bool("TUIXUAN_ALERT_EMAIL", False)
EMAIL_HOST = env_str("TUIXUAN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TUIXUAN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("TUIXUAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("TUIXUAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TUIXUAN_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("TUIXUAN_EMAIL_FROM", "tuixuan@localhost")

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
