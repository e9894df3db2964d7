"""Sebar settings: one plain module, every value read from the environment (see .env.example).

A bad value stops startup with a message naming the variable, rather than a surprise later.
"""
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is read when present; real environment variables win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _int(name, default, minimum=None):
    try:
        value = env.int(name, default=default)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {env.str(name)!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def _bool(name, default):
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


DEBUG = _bool("DEBUG", True)
# SECURITY: the key signs sessions and API tokens, so whoever knows it can log in as anyone; there is no
# default in the source. `make run` writes a random one into .env on its first run (config/envfile.py).
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith(("dev-only-", "change-me")):
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set to a long random value when DEBUG is false "
                                   "(python -c \"import secrets; print(secrets.token_urlsafe(50))\")")
    # Development without a key (tests, a shell): a random one for this process only. Logins then end
    # when the process does, and nothing signed here is valid anywhere else.
    SECRET_KEY = secrets.token_urlsafe(50)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address users and WAHA reach this server on (public links, webhooks, invitation emails).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "import_export",
    "csp",
    "accounts",
    "audit",
    "billing",
    "devices",
    "contacts",
    "campaigns",
    "inbox",
    "rotator",
    "integrations",
    "analytics",
    "flows",
    "sequences",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Answers GET /link/<slug> for live links here, skipping the rest: see rotator/middleware.py.
    "rotator.middleware.PublicLinkMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The site-wide Content-Security-Policy (CONTENT_SECURITY_POLICY below). Outside the rest, so a page that
    # a middleware below builds (the 405 page) gets it too; a response that sets its own (inbox media) keeps it.
    # Static files and the live link's redirect, answered above, are no pages and skip it (building the
    # policy costs ~25 µs, a lot on the one URL that gets all the ad traffic).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A blank 405 (a GET on a POST-only page) gets a page that says what happened.
    "config.error_pages.MethodNotAllowedPageMiddleware",
    # A request refused because the background queue is down gets a 503 page saying nothing was saved.
    "config.error_pages.QueueUnavailablePageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request being answered, for the address and browser of audit entries services write (audit/context.py).
    "audit.context.AuditRequestMiddleware",
    # Remembers browsers that logged in, so a guesser cannot lock their owner out: accounts/login_devices.py.
    "accounts.login_devices.KnownDeviceMiddleware",
    # Keeps each browser session's row (last seen, address) for the sessions page: accounts/session_tracking.py.
    "accounts.session_tracking.SessionSeenMiddleware",
    "accounts.tenancy.WorkspaceMiddleware",
    # Records each API request made with a key, once its status is known (integrations/middleware.py).
    "integrations.middleware.ApiKeyRequestLogMiddleware",
    # A member's saved language (User.language) wins over the cookie and the browser's guess.
    "accounts.language.UserLanguageMiddleware",
    "accounts.zone_middleware.WorkspaceZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # SEBAR_REQUIRE_OWNER_2FA: owners without a second factor are sent to set it up (needs messages, above).
    "accounts.two_factor_required.OwnerTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.sebar",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy timeout
    # instead of failing with "database is locked" when a read transaction upgrades to a write.
    _db.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    _db["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    # Tests get a file, not Django's shared in-memory database: with that one, the live server's threads and the
    # test share a single connection, so a webhook committing while a page loads fails with "SQL statements in
    # progress". A file gives each thread its own connection, queued by the lock above. It sits in the checkout
    # (git-ignored), so parallel checkouts never meet; pytest-django adds _gw0, _gw1… per xdist worker.
    _db.setdefault("TEST", {}).setdefault("NAME", str(BASE_DIR / ".test-db.sqlite3"))
elif _db["ENGINE"] == "django.db.backends.mysql":
    # READ COMMITTED keeps row claims (SELECT ... FOR UPDATE SKIP LOCKED) from taking gap locks.
    _db.setdefault("OPTIONS", {}).update({"charset": "utf8mb4", "isolation_level": "read committed"})
    _db.setdefault("TEST", {}).update({"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"})
_db["CONN_MAX_AGE"] = _int("DB_CONN_MAX_AGE", 60, minimum=0)
_db["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery -------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sebar"),
        "TIMEOUT": 300,
    }
}

# Prefix of raw Redis keys (pacing schedules, click counters, caches of embeddings).
SEBAR_REDIS_PREFIX = env.str("SEBAR_REDIS_PREFIX", default="sebar")

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every countdown in Sebar stays far below this, so Redis never redelivers a waiting task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Countdown tasks pace the broadcast engine; Celery's default 1 s timer precision would add up to a
# second to every device's delay.
CELERY_WORKER_TIMER_PRECISION = 0.05
CELERY_TASK_ALWAYS_EAGER = _bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# Periodic tasks each app needs; beat_schedule entries expire before their next run.
CELERY_BEAT_SCHEDULE = {}

# --- Auth -------------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login attempts allowed per window: per client IP; per email address from one IP; and wrong passwords for one
# email address from anywhere, which browsers that logged in to it before are spared (accounts/login_devices.py).
LOGIN_RATE_LIMIT_PER_IP = _int("LOGIN_RATE_LIMIT_PER_IP", 30, minimum=1)
LOGIN_RATE_LIMIT_PER_EMAIL = _int("LOGIN_RATE_LIMIT_PER_EMAIL", 10, minimum=1)
LOGIN_RATE_LIMIT_PER_ACCOUNT = _int("LOGIN_RATE_LIMIT_PER_ACCOUNT", 50, minimum=1)
LOGIN_RATE_LIMIT_WINDOW = _int("LOGIN_RATE_LIMIT_WINDOW", 300, minimum=1)
# Seconds a password reset link works (Django's PasswordResetTokenGenerator; a new password ends it sooner).
PASSWORD_RESET_TIMEOUT = _int("PASSWORD_RESET_TIMEOUT", 3600, minimum=60)
# Password reset requests and verification e-mail resends allowed per hour: per e-mail address (over it, no more
# mail is sent and the answer stays the same) and per client IP (over it, 429).
PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = _int("PASSWORD_RESET_RATE_LIMIT_PER_EMAIL", 3, minimum=1)
PASSWORD_RESET_RATE_LIMIT_PER_IP = _int("PASSWORD_RESET_RATE_LIMIT_PER_IP", 20, minimum=1)
# Codes a sign-in may try per account in LOGIN_RATE_LIMIT_WINDOW at the two-factor step (pages and API together).
LOGIN_2FA_RATE_LIMIT = _int("LOGIN_2FA_RATE_LIMIT", 5, minimum=1)
# Seconds between a right password and its code on the sign-in page; later, the password is asked again.
LOGIN_2FA_PENDING_SECONDS = _int("LOGIN_2FA_PENDING_SECONDS", 300, minimum=30)
# When true, every workspace owner must use two-factor sign-in: one without it is sent to set it up, cannot turn
# it off, and the API's login refuses them until they have.
SEBAR_REQUIRE_OWNER_2FA = _bool("SEBAR_REQUIRE_OWNER_2FA", False)
# When true, a workspace cannot start broadcasts until its owner has confirmed their e-mail address.
SEBAR_REQUIRE_EMAIL_VERIFICATION = _bool("SEBAR_REQUIRE_EMAIL_VERIFICATION", False)
# True only behind a reverse proxy that sets X-Forwarded-For; then the proxy's last hop is the client's IP.
TRUST_X_FORWARDED_FOR = _bool("TRUST_X_FORWARDED_FOR", False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Workspace API keys (sk_...), first: it takes only key-shaped credentials and leaves JWTs to the next.
        "integrations.authentication.ApiKeyAuthentication",
        # simplejwt's, plus the per-user token version that revocation bumps (accounts/authentication.py).
        "accounts.authentication.VersionedJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Each API key's own budget (API_KEY_RATE_LIMIT); requests without a key pass through it.
    "DEFAULT_THROTTLE_CLASSES": ["integrations.throttles.ApiKeyRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}


def _rate(name, default):
    value = env.str(name, default=default).strip()
    number, _sep, period = value.partition("/")
    if not number.isdigit() or int(number) < 1 or period[:1] not in ("s", "m", "h", "d"):
        raise ImproperlyConfigured(f"{name} must look like 120/min (a count per s, min, hour or day), got {value!r}")
    return value


# Requests one API key may make (each key counts alone), as DRF reads rates: 120/min, 5000/hour, 10/s.
API_KEY_RATE_LIMIT = _rate("API_KEY_RATE_LIMIT", "120/min")
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=_int("JWT_ACCESS_MINUTES", 30, minimum=1)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=_int("JWT_REFRESH_DAYS", 14, minimum=1)),
    "UPDATE_LAST_LOGIN": True,
    # Each refresh returns a new refresh token and blacklists the one used: a refresh token works once.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "TOKEN_REFRESH_SERIALIZER": "accounts.tokens.RotatingRefreshSerializer",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sebar API",
    "DESCRIPTION": "WhatsApp marketing automation: devices, contacts, broadcasts, inbox, link rotator.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request components: uploads (contact files, campaign media) show as files, read-only fields
    # stay out of request bodies.
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status` field; name the enums that appear in more than one component.
    "ENUM_NAME_OVERRIDES": {"CampaignStatusEnum": "campaigns.models.Campaign.Status",
                            "ApiKeyStatusEnum": "integrations.models.ApiKey.Status",
                            "ChatStatusEnum": "inbox.models.Chat.Status",
                            "ErrorCodeEnum": "config.error_codes.CODES"},
    # /api/docs/ loads Swagger UI from static/ (the pinned sidecar package), never from a CDN: the page must
    # work offline and under a strict Content-Security-Policy.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: Swagger UI otherwise shows a badge image fetched from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# --- WAHA -------------------------------------------------------------------------------------
# Empty WAHA_URL means sandbox mode: the run command starts the bundled emulator and the app uses it.
WAHA_URL = env.str("WAHA_URL", default="").rstrip("/")
WAHA_API_KEY = env.str("WAHA_API_KEY", default="")
SANDBOX_MODE = not WAHA_URL
SANDBOX_WAHA_URL = env.str("SANDBOX_WAHA_URL", default="http://127.0.0.1:3000").rstrip("/")
SANDBOX_WAHA_API_KEY = env.str("SANDBOX_WAHA_API_KEY", default="sebar-sandbox-key")
# Lets a workspace mark its own invoice paid, so a new user can try a bigger plan alone. Only in sandbox
# mode by default; a server that takes real money must have it off (it is off whenever WAHA_URL is set).
SANDBOX_PAYMENTS = env.bool("SANDBOX_PAYMENTS", default=SANDBOX_MODE)
# Where WAHA posts its webhooks; defaults to this server's own receiver.
WAHA_WEBHOOK_URL = env.str("WAHA_WEBHOOK_URL", default=f"{SITE_URL}/webhooks/waha")
# The largest webhook body accepted (bytes); larger ones get 413 before anything is parsed. WAHA's
# envelopes are a few KB (media comes as a URL, not inline), so 1 MB leaves room.
WAHA_WEBHOOK_MAX_BYTES = _int("WAHA_WEBHOOK_MAX_BYTES", 1024 * 1024, minimum=1024)

# --- Broadcast pacing ---------------------------------------------------------------------------
# The smallest delay any device may use between two sends (operators' floor; tests lower it).
SEBAR_MIN_DELAY_SECONDS = env.float("SEBAR_MIN_DELAY_SECONDS", default=5.0)
# The engine's clocks. Defaults suit production; tests and the benchmark shrink them.
# How often beat re-arms devices with work but no live chain, and how often it reaps stuck rows.
SEBAR_KICK_SECONDS = env.float("SEBAR_KICK_SECONDS", default=5.0)
SEBAR_REAP_SECONDS = env.float("SEBAR_REAP_SECONDS", default=30.0)
# A SENDING row attempted this long ago is settled "outcome unknown" (never sent again).
SEBAR_SEND_LEASE_SECONDS = env.float("SEBAR_SEND_LEASE_SECONDS", default=600)
# A SENDING row never attempted for this long lost its task and goes back to PENDING.
SEBAR_CLAIM_LEASE_SECONDS = env.float("SEBAR_CLAIM_LEASE_SECONDS", default=120)
# How late a chain's next task may be before the kick starts another.
SEBAR_ARM_GRACE_SECONDS = env.float("SEBAR_ARM_GRACE_SECONDS", default=30)
# Wait before a device retries after WAHA was briefly unavailable.
SEBAR_RETRY_BACKOFF_SECONDS = env.float("SEBAR_RETRY_BACKOFF_SECONDS", default=30)
# How long a send slot is held while its HTTP call runs (WAHA's read timeout and some).
SEBAR_SEND_HOLD_SECONDS = env.float("SEBAR_SEND_HOLD_SECONDS", default=30)
# How early a step prepares (claim, WhatsApp check) so the send itself lands on its slot.
SEBAR_PREP_LEAD_SECONDS = env.float("SEBAR_PREP_LEAD_SECONDS", default=1.0)

# --- Number health (devices/health.py) --------------------------------------------------------------
# How often WhatsApp's limits (capping, reach-out timelock) are read from each connected number's WAHA /me.
SEBAR_HEALTH_POLL_SECONDS = env.float("SEBAR_HEALTH_POLL_SECONDS", default=900.0)
# After a send error hinting at a limit (463, rate-overlimit) /me is read at once, but at most this often per number.
SEBAR_HEALTH_ERROR_POLL_SECONDS = env.float("SEBAR_HEALTH_ERROR_POLL_SECONDS", default=60.0)
# A campaign send still not delivered after this many hours counts against the number's health.
SEBAR_HEALTH_UNDELIVERED_HOURS = env.float("SEBAR_HEALTH_UNDELIVERED_HOURS", default=6.0)
# A number whose session dropped (FAILED / STOPPED) this many times in 24 h is paused from broadcasts until the
# owner resumes it or the drops age out; 0 turns the flap brake off.
SEBAR_BRAKE_FLAPS = _int("SEBAR_BRAKE_FLAPS", 3, minimum=0)
# A warming number climbs a day of its ramp (devices/ramp.py) only with a health score of at least this; below
# SEBAR_RAMP_BACK_SCORE it steps a day back, in between it holds.
SEBAR_RAMP_CLIMB_SCORE = _int("SEBAR_RAMP_CLIMB_SCORE", 80, minimum=0)
SEBAR_RAMP_BACK_SCORE = _int("SEBAR_RAMP_BACK_SCORE", 50, minimum=0)

# --- Link rotator --------------------------------------------------------------------------------
# Days each click's detail (referrer, user agent) is kept; the daily totals behind the charts stay.
ROTATOR_CLICK_RETENTION_DAYS = _int("ROTATOR_CLICK_RETENTION_DAYS", 90, minimum=31)

# --- AI assistant (OpenAI-compatible) ------------------------------------------------------------
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="https://api.openai.com/v1")
OPENAI_CHAT_MODEL = env.str("OPENAI_CHAT_MODEL", default="gpt-4o-mini")
OPENAI_EMBEDDING_MODEL = env.str("OPENAI_EMBEDDING_MODEL", default="text-embedding-3-small")
# Contact imports: what one file may hold. A file beyond these is refused or cut with a clear report, so a
# hostile or broken file can never occupy a worker for long or fill its memory.
IMPORT_MAX_ROWS = _int("IMPORT_MAX_ROWS", 1_000_000, minimum=1)
IMPORT_MAX_COLUMNS = _int("IMPORT_MAX_COLUMNS", 200, minimum=2)
IMPORT_MAX_EMPTY_ROWS = _int("IMPORT_MAX_EMPTY_ROWS", 1000, minimum=1)
IMPORT_MAX_LINE_CHARS = _int("IMPORT_MAX_LINE_CHARS", 1_000_000, minimum=1000)
IMPORT_XLSX_MAX_UNCOMPRESSED = _int("IMPORT_XLSX_MAX_UNCOMPRESSED", 512 * 1024 * 1024, minimum=1024 * 1024)
IMPORT_XLSX_MAX_SHARED_STRINGS = _int("IMPORT_XLSX_MAX_SHARED_STRINGS", 64 * 1024 * 1024, minimum=1024 * 1024)
# An import task is stopped after this long (it can be resumed from its last committed row).
IMPORT_TIME_LIMIT_SECONDS = _int("IMPORT_TIME_LIMIT_SECONDS", 1800, minimum=60)
# Auto-replies: every inbound message runs a workspace's rules, so their number and time are bounded.
AUTO_REPLY_MAX_RULES = _int("AUTO_REPLY_MAX_RULES", 200, minimum=1)
AUTO_REPLY_MAX_REGEX_RULES = _int("AUTO_REPLY_MAX_REGEX_RULES", 20, minimum=0)
AUTO_REPLY_MATCH_BUDGET_SECONDS = env.float("AUTO_REPLY_MATCH_BUDGET_SECONDS", default=0.25)

# --- Outbound requests to URLs tenants type (config/outbound.py) ---------------------------------
# https only unless this is on; hosts resolving to loopback/private/link-local/metadata addresses are refused,
# except inside the networks listed here (e.g. "10.0.5.0/24" for a model server the operator runs for tenants).
OUTBOUND_ALLOW_HTTP = env.bool("OUTBOUND_ALLOW_HTTP", default=False)
OUTBOUND_ALLOWED_NETWORKS = env.list("OUTBOUND_ALLOWED_NETWORKS", default=[])

# --- Email ---------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sebar <no-reply@localhost>")

# --- Billing -------------------------------------------------------------------------------------
# Where customers transfer money for a paid plan; shown on every invoice.
BILLING_BANK_NAME = env.str("BILLING_BANK_NAME", default="BCA")
BILLING_BANK_ACCOUNT_NUMBER = env.str("BILLING_BANK_ACCOUNT_NUMBER", default="1234567890")
BILLING_BANK_ACCOUNT_HOLDER = env.str("BILLING_BANK_ACCOUNT_HOLDER", default="PT Sebar Nusantara")
BILLING_CONTACT_EMAIL = env.str("BILLING_CONTACT_EMAIL", default="billing@localhost")
# The longest period one invoice may cover.
BILLING_MAX_MONTHS = _int("BILLING_MAX_MONTHS", 12, minimum=1)
# Who sells, as printed on invoices (defaults to the bank account's holder), and an optional address line.
BILLING_SELLER_NAME = env.str("BILLING_SELLER_NAME", default=BILLING_BANK_ACCOUNT_HOLDER)
BILLING_SELLER_ADDRESS = env.str("BILLING_SELLER_ADDRESS", default="")
# The largest proof of transfer (photo or PDF of the receipt) a payer may upload, in megabytes.
BILLING_PROOF_MAX_MB = _int("BILLING_PROOF_MAX_MB", 5, minimum=1)
# Trial owners get "your trial ends soon" this many days before its end (the plan and length: Package.trial_days).
BILLING_TRIAL_REMIND_DAYS = _int("BILLING_TRIAL_REMIND_DAYS", 3, minimum=1)
# Online payment: "midtrans" (Snap, with the server key below), "fake" (a local page that pays, for sandbox mode
# and tests) or "off". Empty: "fake" when SANDBOX_PAYMENTS is on, else "midtrans" when a server key is set.
MIDTRANS_SERVER_KEY = env.str("MIDTRANS_SERVER_KEY", default="")
MIDTRANS_PRODUCTION = env.bool("MIDTRANS_PRODUCTION", default=False)
BILLING_GATEWAY = env.str("BILLING_GATEWAY", default="") or (
    "fake" if SANDBOX_PAYMENTS else "midtrans" if MIDTRANS_SERVER_KEY else "off")
if BILLING_GATEWAY not in ("midtrans", "fake", "off"):
    raise ImproperlyConfigured(f"BILLING_GATEWAY must be midtrans, fake or off, not {BILLING_GATEWAY!r}")
if BILLING_GATEWAY == "midtrans" and not MIDTRANS_SERVER_KEY:
    raise ImproperlyConfigured("BILLING_GATEWAY=midtrans needs MIDTRANS_SERVER_KEY (Midtrans dashboard → Access Keys)")
# Invitations to join a workspace stay valid this many days.
INVITATION_VALID_DAYS = _int("INVITATION_VALID_DAYS", 7, minimum=1)

# --- i18n ----------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("id", _("Bahasa Indonesia"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
# New workspaces start in this time zone (schedules and quiet hours are read in it).
DEFAULT_WORKSPACE_TIME_ZONE = env.str("DEFAULT_WORKSPACE_TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Files ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security (production) -----------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy for every page: scripts and styles only from our own origin (static/: htmx, sebar.js,
# the per-page files), never inline, so HTML that slips into a page (a contact's name, a WhatsApp message)
# cannot run. Behaviour hangs on data- attributes in static/js/sebar.js, htmx runs without eval (its
# htmx-config meta in base.html). data: images: Swagger UI's icons and the QR codes. Responses that set
# their own header keep it (inbox media: default-src 'none'; sandbox). With DEBUG, django-csp leaves 404
# and 500 responses alone so Django's technical pages (inline script and style) still work.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# The health probe comes in over plain HTTP from the orchestrator.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Every request line (runserver's access log) and every heartbeat task run (beat's kick, flush, ...) are
# hidden unless this is true; errors, warnings and each 4xx/5xx (once, from django.request) always show.
DEBUG_REQUESTS = _bool("DEBUG_REQUESTS", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_lines": {"()": "config.log_filters.RequestLineFilter", "every": DEBUG_REQUESTS},
        "client_error_traceback": {"()": "config.log_filters.ClientErrorTracebackFilter"},
        "heartbeats": {"()": "config.log_filters.HeartbeatFilter", "enabled": not DEBUG_REQUESTS},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "server": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's default config gives "django" a console handler of its own, and it propagates to root's
        # too: every line, a 403's traceback included, came out twice. Root's handler is the one.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["client_error_traceback"]},
        "django.server": {"handlers": ["server"], "filters": ["request_lines"], "level": "INFO",
                          "propagate": False},
        "celery.beat": {"filters": ["heartbeats"]},
        "celery.worker.strategy": {"filters": ["heartbeats"]},
        "celery.app.trace": {"filters": ["heartbeats"]},
    },
}

# Outbound webhooks (integrations/webhooks.py): a delivery's timeouts, and how long an endpoint may fail
# every delivery before it is switched off (and its owner told).
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_DISABLE_AFTER_DAYS = env.float("WEBHOOK_DISABLE_AFTER_DAYS", default=3.0)
