"""All settings come from environment variables with safe development defaults.

Production mode (``DEFLECT_ENV=production``) refuses to start with the development secret key,
with DEBUG on, or without an explicit audit key.
"""

import base64
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("DEFLECT_DATA_DIR", BASE_DIR / "var"))

DEV_SECRET_KEY = "dev-insecure-deflect-secret-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DEFLECT_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The address the public reaches deflect at (e.g. https://help.marlowcounty.org), for links that
# leave the building on paper: the printed resource guide's QR code. Empty: the address the
# page was opened on.
PUBLIC_URL = os.environ.get("DEFLECT_PUBLIC_URL", "").strip().rstrip("/")
if PUBLIC_URL and not PUBLIC_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"DEFLECT_PUBLIC_URL must start with https:// (or http://), not {PUBLIC_URL!r}."
    )


def installation_secret(name: str, make) -> str:
    """A development secret generated once per installation into ``DATA_DIR`` (mode 0600),
    never a constant in the source. Production sets every secret in the environment."""
    path = DATA_DIR / name
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(make() + "\n")
    return path.read_text().strip()


def _random_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


# The audit chain is keyed with a secret that lives outside the database.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
# Encryption at rest (deflect.core.crypto): base64 32-byte AES keys, comma-separated; the first
# encrypts, all decrypt. `deflect keys generate` makes one; `deflect keys rotate` re-encrypts.
DEFLECT_DATA_KEYS = env_list("DEFLECT_DATA_KEYS", "")
# Backups (`deflect backup`) and the out-of-database audit checkpoint and revocation list.
DEFLECT_BACKUP_DIR = Path(os.environ.get("DEFLECT_BACKUP_DIR", DATA_DIR / "backups"))
AUDIT_CHECKPOINT_PATH = Path(
    os.environ.get("AUDIT_CHECKPOINT_PATH", DATA_DIR / "audit-checkpoint.log")
)
DEFLECT_REVOCATIONS_PATH = Path(
    os.environ.get("DEFLECT_REVOCATIONS_PATH", DATA_DIR / "revocations.log")
)

if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production needs SECRET_KEY set to a random value of at least 50 characters."
        )
    if DEBUG:
        raise ImproperlyConfigured("Production refuses to run with DEBUG on.")
    if len(AUDIT_HMAC_KEY) < 32:
        raise ImproperlyConfigured("Production needs AUDIT_HMAC_KEY of at least 32 characters.")
    if not DEFLECT_DATA_KEYS:
        raise ImproperlyConfigured("Production needs DEFLECT_DATA_KEYS (deflect keys generate).")
if not AUDIT_HMAC_KEY:
    AUDIT_HMAC_KEY = installation_secret("audit-hmac.key", _random_key)
if not DEFLECT_DATA_KEYS:
    DEFLECT_DATA_KEYS = [installation_secret("data.key", _random_key)]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "deflect.core",
    "deflect.audit",
    "deflect.accounts",
    "deflect.programs",
    "deflect.planning",
    "deflect.people",
    "deflect.screening",
    "deflect.encounters",
    "deflect.resources",
    "deflect.access",
    "deflect.naloxone",
    "deflect.training",
    "deflect.community",
    "deflect.feedback",
    "deflect.referrals",
    "deflect.cases",
    "deflect.followups",
    "deflect.surveillance",
    "deflect.reporting",
    "deflect.reports",
    "deflect.outcomes",
    "deflect.linkage",
    "deflect.equity",
    "deflect.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "deflect.core.middleware.RequestContextMiddleware",
    "deflect.core.middleware.SecurityHeadersMiddleware",
    "deflect.core.limits.UrlLengthLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "deflect.core.middleware.RejectNulMiddleware",
    "deflect.accounts.middleware.AbsoluteSessionTimeoutMiddleware",
    "deflect.accounts.middleware.SessionActivityMiddleware",
    "deflect.accounts.middleware.MfaGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = os.environ.get("DEFLECT_URLCONF", "config.urls")
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "deflect" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "deflect.access.context_processors.navigation",
            ],
        },
    },
]

# Database: embedded SQLite (WAL) by default; PostgreSQL through DATABASE_URL.
DEFAULT_SQLITE = DATA_DIR / "deflect.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared-cache memory, so concurrent tests see real SQLite locking (WAL).
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-deflect.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at the start of every transaction, so audit chain
        # appends are serialized; WAL lets readers proceed while one writer works.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (CJIS): lock for 10 minutes after 5 failed attempts.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 10 / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Sessions: 30-minute idle timeout, 12-hour absolute limit, server-side storage.
SESSION_COOKIE_AGE = 30 * 60
# The idle clock is renewed by writing the session at most once a minute (see
# accounts.middleware.SessionActivityMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "deflect.core.views.csrf_failure"

# Transport security; on in production, overridable for a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Request size limits: larger bodies are refused with a clear error.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DEFLECT_MAX_BODY_BYTES", 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "deflect" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
# Uploaded documents (MOUs, planning evidence, training certificates): under the data folder,
# never the code checkout; served only through views that check access.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media/"
for _folder in (DATA_DIR, STATIC_ROOT):
    _folder.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"one_line": {"()": "deflect.core.logging.OneLineFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["one_line"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

DEFLECT_API_TOKEN_TTL_DAYS = int(os.environ.get("DEFLECT_API_TOKEN_TTL_DAYS", "90"))
# TOTP codes and enrolment QR codes name the service as this issuer.
OTP_TOTP_ISSUER = os.environ.get("DEFLECT_MFA_ISSUER", "deflect")
DEFLECT_MFA_RECOVERY_CODES = 10
# Passkeys are bound to this domain; empty: the host name the page was served on.
DEFLECT_WEBAUTHN_RP_ID = os.environ.get("DEFLECT_WEBAUTHN_RP_ID", "")
# Failed API-token attempts per client address before it gets 429 for the rest of the window.
DEFLECT_TOKEN_FAILURE_LIMIT = int(os.environ.get("DEFLECT_TOKEN_FAILURE_LIMIT", "10"))
DEFLECT_TOKEN_FAILURE_WINDOW_SECONDS = int(
    os.environ.get("DEFLECT_TOKEN_FAILURE_WINDOW_SECONDS", "300")
)

# Lockout is per account (CJIS: the account locks). Locking by IP would lock out a whole
# station behind one NAT address; see docs/decisions/0002-lockout-per-account.md.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Reminders (`deflect jobs run`): email through Django's email backend, SMS through a channel
# class (the default writes to an outbox table; a gateway is a class implementing SmsChannel).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "deflect@localhost")
DEFLECT_SMS_CHANNEL = os.environ.get(
    "DEFLECT_SMS_CHANNEL", "deflect.followups.channels.OutboxSmsChannel"
)

# Extra folders of report templates (one TOML file per template), separated by the path
# separator; the templates shipped in deflect/reports/report_templates are always read.
DEFLECT_REPORT_TEMPLATE_DIRS = [
    Path(p) for p in os.environ.get("DEFLECT_REPORT_TEMPLATES", "").split(os.pathsep) if p
]
# Overdose surveillance. The official NEMSIS 3.5 XSD (EMSDataSet_v3.xsd with its includes),
# when the operator has it: every EMS file is validated against it before import.
DEFLECT_NEMSIS_XSD = os.environ.get("DEFLECT_NEMSIS_XSD", "")
# The map's tile server (a URL template such as https://tile.example.org/{z}/{x}/{y}.png);
# empty: the map shows the data layer on a blank background.
DEFLECT_MAP_TILE_URL = os.environ.get("DEFLECT_MAP_TILE_URL", "")
DEFLECT_MAP_TILE_ATTRIBUTION = os.environ.get("DEFLECT_MAP_TILE_ATTRIBUTION", "")
