"""The site's one settings module. Everything a bureau's IT staff may set comes from the
environment (README, 网站部署): the instance folder, the database, HTTPS, host names.

REPORTGEN_INSTANCE    the instance folder (secret_key, db.sqlite3, inputs/, builds/, summaries/);
                      `reportgen serve` sets it to ./instance of the work folder
REPORTGEN_DB          sqlite (default) or postgres (then REPORTGEN_PG_NAME/USER/PASSWORD/HOST/PORT)
REPORTGEN_HTTPS       1 behind nginx with TLS: Secure cookies, HSTS, redirect to https
REPORTGEN_ALLOWED_HOSTS  comma-separated host names the site answers to
REPORTGEN_DEBUG       1 only on a developer's machine
REPORTGEN_TASKS       database (default) or immediate (tests: tasks run in the request)
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值「{value}」无效，请写 1 或 0。")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 的值「{value}」不是整数。") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [part.strip() for part in value.split(",") if part.strip()] if value else default


INSTANCE_DIR = Path(os.environ.get("REPORTGEN_INSTANCE") or "instance").resolve()
WORK_DIR = Path(os.environ.get("REPORTGEN_WORK_DIR") or INSTANCE_DIR.parent).resolve()
STORAGE_ROOT = INSTANCE_DIR  # inputs/, builds/, summaries/; paths in the database are relative


def _secret_key() -> str:
    if os.environ.get("REPORTGEN_SECRET_KEY"):
        return os.environ["REPORTGEN_SECRET_KEY"]
    path = Path(os.environ.get("REPORTGEN_SECRET_KEY_FILE") or INSTANCE_DIR / "secret_key")
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError:
        raise ImproperlyConfigured(
            f"找不到密钥文件 {path}。请在工作文件夹中运行 reportgen serve（它会生成密钥），"
            "或设置 REPORTGEN_SECRET_KEY_FILE。") from None


SECRET_KEY = _secret_key()
DEBUG = envbool("REPORTGEN_DEBUG")
HTTPS = envbool("REPORTGEN_HTTPS")
ALLOWED_HOSTS = envlist("REPORTGEN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("REPORTGEN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "reportgen.site.accounts",
    "reportgen.site.filings",
    "reportgen.site.audit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "reportgen.site.accounts.middleware.PasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reportgen.site.urls"
WSGI_APPLICATION = "reportgen.site.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [Path(__file__).resolve().parent / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]

if os.environ.get("REPORTGEN_DB", "sqlite") == "postgres":
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("REPORTGEN_PG_NAME", "reportgen"),
        "USER": os.environ.get("REPORTGEN_PG_USER", ""),
        "PASSWORD": os.environ.get("REPORTGEN_PG_PASSWORD", ""),
        "HOST": os.environ.get("REPORTGEN_PG_HOST", ""),
        "PORT": os.environ.get("REPORTGEN_PG_PORT", ""),
        "CONN_MAX_AGE": 60,
    }}
elif os.environ.get("REPORTGEN_DB", "sqlite") == "sqlite":
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": INSTANCE_DIR / "db.sqlite3",
        # Writers queue (IMMEDIATE takes the write lock at BEGIN, so no deadlock upgrade), wait
        # up to 20 s; WAL lets pages read while a worker writes.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    }}
else:
    raise ImproperlyConfigured("环境变量 REPORTGEN_DB 只能是 sqlite 或 postgres。")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {
    "BACKEND": ("django_tasks.backends.immediate.ImmediateBackend"
                if os.environ.get("REPORTGEN_TASKS") == "immediate" else "django_tasks_db.DatabaseBackend"),
    "QUEUES": ["check", "build", "summary"],
}}

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # 1,000,000 iterations (5.2)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours: a locked account opens again after 30 minutes (or an admin unlocks it)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # nothing of the site is framed (a PDF opens in its own tab)
SILENCED_SYSTEM_CHECKS = [
    "security.W021",  # HSTS preload: a choice for the bureau's domain, not ours
    # Lockout by account name, not by address: a department's clerks share one office NAT, and
    # one mistyping colleague must not lock them all out.
    "axes.W006",
]
PROXY = envbool("REPORTGEN_PROXY", HTTPS)  # behind nginx: the client's address is X-Forwarded-For's last
AXES_IPWARE_PROXY_COUNT = 1 if PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PROXY else ["REMOTE_ADDR"]

# Uploads: our own limits (filings.uploads) say why in Chinese; Django's are the backstop.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_FILES = 100
DATA_UPLOAD_MAX_NUMBER_FILES = 200
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = os.environ.get("REPORTGEN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = INSTANCE_DIR / "static"
WHITENOISE_USE_FINDERS = True  # the admin's CSS served without a collectstatic step
WHITENOISE_AUTOREFRESH = False

REPORTGEN_TEMPLATES_DIR = os.environ.get("REPORTGEN_TEMPLATES_DIR")  # None: ./templates or the packaged ones
CHECK_TIMEOUT = envint("REPORTGEN_CHECK_TIMEOUT", 60)
BUILD_TIMEOUT = envint("REPORTGEN_BUILD_TIMEOUT", 600)
CHECK_MEMORY_MB = envint("REPORTGEN_CHECK_MEMORY_MB", 1024)
PDF = envbool("REPORTGEN_PDF", True)  # forms also as PDF when LibreOffice is installed

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
