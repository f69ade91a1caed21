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
    "mokesta.inquiries",
    "mokesta.onboarding",  # import_customers, the admin page „Duomenų importas"
    "mokesta.outbox",
    "mokesta.news",
    "mokesta.backoffice",
    "mokesta.backoffice.apps.MokestaAdminConfig",  # django.contrib.admin with the 2FA site
    "mokesta.demo",  # manage.py load_demo
    "mokesta.api",  # /api/v1/
    "mokesta.ops",  # backup, restore; the read replica's routing
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
    "ninja",  # the API's docs page assets (Swagger UI), served from our static files
    "django.forms",  # its widget templates, under the portal's attrs.html (FORM_RENDERER)
]

MIDDLEWARE = [
    "mokesta.lib.middleware.RequestIdMiddleware",  # first: the id and the access line for all
    "mokesta.lib.middleware.BodySizeLimitMiddleware",  # before anything reads the body
    "mokesta.lib.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mokesta.portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mokesta.lib.cache_control.PrivatePagesMiddleware",  # after auth: it asks who is logged in
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "mokesta.urls"
# Forms render with the project's templates, so that the portal's django/forms/widgets/attrs.html
# (a widget's attributes in one filter, not a template loop per attribute) comes first.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
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
# Keep each process's connection between requests (a new one per request cost more than the
# page's queries, on PostgreSQL most); a broken one is noticed before the request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL: parameters bound by the server and each statement prepared on its second run in a
# connection: planning a query took the server more time than running it (about 0.25 ms per
# query, a third of its CPU per page). Off (PG_PREPARED_STATEMENTS=0) behind a pooler that does
# not keep prepared statements, such as PgBouncer before 1.21 in transaction mode.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "PG_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A PostgreSQL streaming replica for the customer pages' reads (mokesta/lib/replica.py, README:
# "A read replica"): the primary serves every write and every read right after one; a replica
# that is down or lags more than REPLICA_MAX_LAG_SECONDS is skipped.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=10)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=5.0)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 2},
        "TEST": {"MIRROR": "default"},
    }
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise environ.ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL")
    DATABASE_ROUTERS = ["mokesta.lib.replica.ReplicaRouter"]
    MIDDLEWARE.insert(1, "mokesta.lib.replica.ReplicaMiddleware")  # around all that reads

# --- cache: rate-limit counters shared by every app process ------------------------
# With REDIS_URL, Redis; without it, Django's database cache (table mokesta_cache, created by
# `migrate`), so that every gunicorn worker and every machine counts the same attempts. A cache
# of one process (LocMem) multiplies every limit by the number of processes: `check --deploy`
# refuses it (mokesta.accounts.checks). Tests use LocMem (no database needed for the cache).
REDIS_URL = env.str("REDIS_URL", default="")
# Django's database session store, reading the session with one plain query (accounts/sessions);
# with Redis too: measured on PostgreSQL, reading it from Redis cost the pages more than this query.
SESSION_ENGINE = "mokesta.accounts.sessions"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mokesta_cache",
            # Django culls a third of the entries past MAX_ENTRIES (300 by default), which
            # would forget live counters; expired ones are deleted first anyway.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    }

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
# Contracts per task of a billing run started in the back office (each worker takes chunks).
BILLING_CHUNK_SIZE = env.int("BILLING_CHUNK_SIZE", default=2000)
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}

# --- e-mail ------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Mail to customers comes from the utility's name (its data, edited by staff) at this address
# („VšĮ Velžio komunalinis ūkis" <savitarna@velzioku.lt>), see mokesta.outbox.mail.sender: the
# address is the deployment's (its mail server must be allowed to send for its domain).
MAIL_FROM_ADDRESS = env.str("MAIL_FROM_ADDRESS", default="savitarna@localhost")
# Only for Django's own mail (server errors to ADMINS), which knows no utility.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"MOKESTA <{MAIL_FROM_ADDRESS}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- authentication -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# ModelBackend alone: its lookup is the e-mail identity rule (UserManager.get_by_natural_key);
# allauth's backend would look addresses up again as they are written (README: "Security").
# Django's, with the session's user read by the accounts' query layer (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["mokesta.accounts.backends.ModelBackend"]
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
# Rate limits (README: "Rate limits"). The "login_failed" key is the (e-mail, client address)
# pair and "login_failed_email" the e-mail alone with a higher ceiling, so that one attacker
# cannot lock the owner out (mokesta.accounts.adapter). Registration is limited on success only:
# a newcomer may fix an invalid form as often as needed ("signup" off, "signup_success" counts).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "login_failed_email": "20/h/key",
    "signup": "",
    "signup_success": "10/h/ip,3/d/key",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",  # the password asked again, e.g. to delete the account
    "link_contract_failed": "5/h/user,10/h/ip",
}
# The unknown-address reset mail would make the form a relay to any address: send nothing.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Profile: an e-mail change takes effect once the new address is confirmed; the old one is told.
ACCOUNT_CHANGE_EMAIL = True
PASSWORD_RESET_TIMEOUT = 3600  # seconds; the reset link is valid one hour

# --- internationalisation ------------------------------------------------------
LANGUAGE_CODE = "lt"
LANGUAGES = [("lt", _("Lithuanian")), ("en", _("English"))]
TIME_ZONE = "Europe/Vilnius"
USE_I18N = True
USE_TZ = True
# The admin's JavaScript strings in Lithuanian (djangojs only; see the .po file's header).
LOCALE_PATHS = [BASE_DIR / "mokesta" / "backoffice" / "locale_overrides"]
PHONENUMBER_DEFAULT_REGION = "LT"
PHONENUMBER_DB_FORMAT = "E164"

# --- static files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")  # collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)  # the manifest exists only after collectstatic
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
# Files that only access-checked views serve (photos of customer requests); never publish it.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
# „Nauja užklausa" submissions per user, refused ones too (each may carry photos to decode);
# the 10 accepted requests a day are counted in the database (mokesta.inquiries.workflow).
ACCOUNT_RATE_LIMITS["inquiry_submission"] = "20/h/user,40/d/user"
# Household invitations („Pakviesti"), per contract (customers/household.py).
HOUSEHOLD_INVITATIONS_PER_DAY = env.int("HOUSEHOLD_INVITATIONS_PER_DAY", default=5)
ACCOUNT_RATE_LIMITS["household_invitation"] = f"{HOUSEHOLD_INVITATIONS_PER_DAY}/d/key"
# The open API (/api/v1/): calls per personal access token (or per portal user's session).
ACCOUNT_RATE_LIMITS["api"] = env.str("API_RATE_LIMIT", default="120/m/key")

# --- reverse proxy -------------------------------------------------------------------
# How many proxies of ours stand in front of the app and append to X-Forwarded-For (nginx: 1).
# 0: the client's address is the TCP peer and X-Forwarded-* headers are ignored. With N > 0 the
# address is the N-th entry from the right of X-Forwarded-For (what our outermost proxy saw), so
# whatever a client writes into the header itself is never taken; X-Forwarded-Proto and the
# proxy's X-Request-ID are believed. Rate limits (allauth's and ours) use this one address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
if TRUSTED_PROXY_COUNT < 0:
    raise environ.ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# --- security ----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG and SITE_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # a probe may ask a backend directly over HTTP
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Content-Security-Policy and Permissions-Policy on every response (mokesta.lib.middleware):
# no inline script or style anywhere, nothing from other sites, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)
# Request bodies: a request announcing more than MAX_REQUEST_BYTES is refused with 413 before
# any of it is read (mokesta.lib.middleware; nginx's client_max_body_size says the same). Form
# fields over DATA_UPLOAD_MAX_MEMORY_SIZE are refused; uploads above FILE_UPLOAD_MAX_MEMORY_SIZE
# go to a temporary file.
STATEMENT_MAX_BYTES = env.int("STATEMENT_MAX_BYTES", default=5 * 1024 * 1024)
# The largest legitimate body: a customer request with 3 photos of 5 MB each (or a statement),
# plus the form around it.
MAX_REQUEST_BYTES = env.int(
    "MAX_REQUEST_BYTES", default=max(STATEMENT_MAX_BYTES, 3 * 5 * 1024 * 1024) + 1024 * 1024
)
# Customer import files uploaded in the admin (mokesta.onboarding); larger ones go through
# `manage.py import_customers` or a raised MAX_REQUEST_BYTES (and nginx's limit with it).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=15 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, stated
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# --- back office -------------------------------------------------------------------
# Staff log in to /admin/ with a TOTP code (manage.py add_totp_device EMAIL enrols them).
# Off by default only in development (DEBUG, e.g. `make run`) and under tests, so the demo staff
# login works with its password; the 2FA tests switch it on.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=not (DEBUG or TESTING))
OTP_TOTP_ISSUER = "MOKESTA"

# --- logs ------------------------------------------------------------------------------
# To stderr (systemd's journal): one line per request with its id (mokesta.lib.middleware),
# errors with their tracebacks (Django's "django.request" logger); every line carries the id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "mokesta.lib.middleware.RequestIdFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The access line is ours; Django's own 4xx warnings would repeat it.
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- health check (/healthz/) -----------------------------------------------------------
# 503 when the oldest message or task that is due has waited longer than this (workers stopped).
HEALTHZ_MAX_QUEUE_AGE = env.int("HEALTHZ_MAX_QUEUE_AGE", default=15 * 60)

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
# Bank statement credits from these payers are the post office's daily transfers of the payments
# its file brought (reconciled with the file, never booked again).
POSTLT_TRANSFER_PAYERS = env.list(
    "POSTLT_TRANSFER_PAYERS", default=["Lietuvos paštas", "Lietuvos pastas"]
)
