"""Settings for MOKESTA savitarna, read from the environment (see README: "Settings")."""

import hashlib
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from mokesta.lib.secret import local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules
# Without SECRET_KEY, a random key is made once and kept in var/secret_key; set SECRET_KEY
# whenever several machines serve, so that they share one.
SECRET_KEY = env.str("SECRET_KEY", default="") or local_secret_key(BASE_DIR / "var" / "secret_key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    "mokesta.accounts",
    "mokesta.utility",
    "mokesta.portal",
    "mokesta.customers",
    "mokesta.metering",
    "mokesta.billing",
    "mokesta.payments",
    "mokesta.onlinepay",
    "mokesta.bank",
    "mokesta.outbox",
    "mokesta.news",
    "mokesta.backoffice",
    "mokesta.backoffice.apps.MokestaAdminConfig",  # django.contrib.admin with the 2FA site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "phonenumber_field",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mokesta.portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "mokesta.urls"
WSGI_APPLICATION = "mokesta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mokesta.utility.context_processors.utility",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'mokesta.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once; WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # Tests use a file too: an in-memory database shared between threads locks whole tables
    # without waiting ("database table is locked"), unlike the file the application runs on.
    # One file per checkout, in the temporary directory so that no folder has to exist first.
    _checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"mokesta-test-{_checkout}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache (allauth rate limits need one shared by every app process) -------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- background tasks (Django Tasks API) -------------------------------------
# TASK_BACKEND: "immediate" (default, runs in the request), "database" (manage.py db_worker),
# "rq" (Redis, manage.py rqworker; needs REDIS_URL).
TASK_BACKEND = env.str("TASK_BACKEND", default="immediate")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise environ.ImproperlyConfigured(f"TASK_BACKEND must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}

# --- e-mail ------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="MOKESTA savitarna <savitarna@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- authentication -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "mokesta.accounts.passwords.PasswordPolicyValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "first_name", "last_name"]},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"

# django-allauth: e-mail is the login, verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 1
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_ADAPTER = "mokesta.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "mokesta.accounts.forms.LoginForm",
    "signup": "mokesta.accounts.forms.SignupForm",
    "reset_password": "mokesta.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "mokesta.accounts.forms.ResetPasswordKeyForm",
    "change_password": "mokesta.accounts.forms.ChangePasswordForm",
}
ACCOUNT_SESSION_REMEMBER = False  # the guide's login box has no "remember me"
ACCOUNT_EMAIL_NOTIFICATIONS = True  # "your password has been changed" and similar mails
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip,5/h/ip",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",  # the password asked again, e.g. to delete the account
}
# Profile: an e-mail change takes effect once the new address is confirmed; the old one is told.
ACCOUNT_CHANGE_EMAIL = True
PASSWORD_RESET_TIMEOUT = 3600  # seconds; the reset link is valid one hour

# --- internationalisation ------------------------------------------------------
LANGUAGE_CODE = "lt"
LANGUAGES = [("lt", _("Lithuanian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Vilnius"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "LT"
PHONENUMBER_DB_FORMAT = "E164"

# --- static files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)  # the manifest exists only after collectstatic
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

# --- security ----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and SITE_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- back office -------------------------------------------------------------------
# Staff log in to /admin/ with a TOTP code (manage.py add_totp_device EMAIL enrols them).
# Off by default only in development (DEBUG, e.g. `make run`) and under tests, so the demo staff
# login works with its password; the 2FA tests switch it on.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=not (DEBUG or TESTING))
OTP_TOTP_ISSUER = "MOKESTA"
STATEMENT_MAX_BYTES = env.int("STATEMENT_MAX_BYTES", default=5 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- messages: SMS and reading reminders (mokesta.outbox) -------------------------
# SMS_BACKEND: "console" (prints) or "infobip" (Infobip's HTTP API at SMS_API_URL).
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
if SMS_BACKEND not in {"console", "infobip"}:
    raise environ.ImproperlyConfigured("SMS_BACKEND must be 'console' or 'infobip'")
SMS_API_URL = env.str("SMS_API_URL", default="")  # e.g. https://xxxxx.api.infobip.com
SMS_API_KEY = env.str("SMS_API_KEY", default="")
SMS_SENDER = env.str("SMS_SENDER", default="MOKESTA")
if SMS_BACKEND == "infobip" and not (
    SMS_API_URL.startswith(("https://", "http://")) and SMS_API_KEY
):
    raise environ.ImproperlyConfigured(
        "SMS_BACKEND=infobip needs an http(s) SMS_API_URL and SMS_API_KEY"
    )
# Day of the month from which users who have not declared their readings are reminded.
READING_REMINDER_DAY = env.int("READING_REMINDER_DAY", default=25)
if not 1 <= READING_REMINDER_DAY <= 28:
    raise environ.ImproperlyConfigured("READING_REMINDER_DAY must be between 1 and 28")

# --- online payments (mokesta.onlinepay; README: "Online payments") ------------------
# PAYMENT_PROVIDER: "paysera", "demo" (a local page for development; a system check refuses it
# without DEBUG) or "" (online payments off, no „Apmokėti" button).
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="demo" if DEBUG or TESTING else "")
PAYSERA_PROJECT_ID = env.str("PAYSERA_PROJECT_ID", default="")
PAYSERA_PASSWORD = env.str("PAYSERA_PASSWORD", default="")  # the project's sign password
# Paysera's public key (PEM: the certificate or key from https://www.paysera.com/download/public.key);
# with it callbacks must carry a valid RSA signature (ss3/ss2), without it the ss1 checksum.
PAYSERA_PUBLIC_KEY = env.str("PAYSERA_PUBLIC_KEY", default="", multiline=True)
PAYSERA_PAY_URL = env.str("PAYSERA_PAY_URL", default="https://bank.paysera.com/pay/")
PAYSERA_TEST = env.bool("PAYSERA_TEST", default=False)  # test payments: nothing is charged
# A pending order nobody finished at the provider expires after this long.
ONLINEPAY_ORDER_LIFETIME = timedelta(hours=env.int("ONLINEPAY_ORDER_HOURS", default=24))
# Bank statement credits from these payers are the provider's payouts, not customer payments.
ONLINEPAY_PAYOUT_PAYERS = env.list(
    "ONLINEPAY_PAYOUT_PAYERS", default=["Paysera", "EVP International"]
)
