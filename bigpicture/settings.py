"""Django settings, read from the environment (see .env.example).

The embedded default is SQLite, local folders under var/ and a filesystem
Celery broker, so the portal runs with no server. Production sets
DATABASE_URL, CELERY_BROKER_URL and STORAGE_BACKEND=s3.
"""

from pathlib import Path

from bigpicture.env import (
    EnvError,
    env_bool,
    env_broker_url,
    env_choice,
    env_database,
    env_file,
    env_int,
    env_list,
    env_str,
    raise_env_errors,
)
from bigpicture.storage import storage_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# The development key only works with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key") if DEBUG else env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "bigpicture",
    "access",
    "governance",
    "repository",
    "ingestion",
    "ai",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "access.middleware.RecentUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bigpicture.urls"
WSGI_APPLICATION = "bigpicture.wsgi.application"
ASGI_APPLICATION = "bigpicture.asgi.application"

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
                "access.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the web server and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The worker process of integration tests opens the same test database file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

STORAGE_BACKEND = env_choice("STORAGE_BACKEND", "local", {"local", "s3"})
STORAGES = storage_settings(
    backend=STORAGE_BACKEND,
    media_root=MEDIA_ROOT,
    static_manifest=env_bool("STATIC_MANIFEST", not DEBUG),
)
# Staged objects no committed transaction claims are deleted by the storage sweep
# once this old; keep it above the longest import (see bigpicture.staging).
STORAGE_STAGING_GRACE_SECONDS = env_int("STORAGE_STAGING_GRACE_SECONDS", 24 * 3600)

# Ingestion: a rejected submission's inbox files are kept this long, then removed (recorded).
INGESTION_REJECTED_RETENTION_DAYS = env_int("INGESTION_REJECTED_RETENTION_DAYS", 30)
# A ticket is past its SLA this many hours after it opened.
INGESTION_TICKET_SLA_HOURS = env_int("INGESTION_TICKET_SLA_HOURS", 120)

# Celery: named queues, late acks, and a broker that needs no server by default.
CELERY_BROKER_URL = env_broker_url("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_DIR = Path(env_str("CELERY_BROKER_DIR", str(VAR_DIR / "broker")))
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND",
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else f"file://{CELERY_BROKER_DIR / 'results'}",
)
CELERY_BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_BROKER_VISIBILITY_TIMEOUT", 6 * 3600)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of the portal that append to X-Forwarded-For; audit rows
# then record the client's address instead of the proxy's (bigpicture.http.client_address).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Personal API tokens (Authorization: Bearer ...); first, so unauthenticated calls get 401.
        "access.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bigpicture portal API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc are served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Submissions and their files both have a `state`: name their enums apart.
    "ENUM_NAME_OVERRIDES": {
        "SubmissionStateEnum": "ingestion.states.SubmissionState",
        "FileStateEnum": "ingestion.states.FileState",
    },
}

# Uploads (ingestion/PROTOCOL.md): the largest file, each organisation's default quota of live bytes,
# the smallest part size (S3 needs 5 MiB or more), and how long an unfinished upload may wait.
INGESTION_MAX_FILE_BYTES = env_int("INGESTION_MAX_FILE_BYTES", 1024**4)
INGESTION_DEFAULT_QUOTA_BYTES = env_int("INGESTION_DEFAULT_QUOTA_BYTES", 10 * 1024**4)
INGESTION_PART_SIZE = env_int("INGESTION_PART_SIZE", 64 * 1024**2)
INGESTION_UPLOAD_EXPIRY_HOURS = env_int("INGESTION_UPLOAD_EXPIRY_HOURS", 72)
# The processing pipeline: where workers spool inputs and write outputs, its size cap, and when
# a step counts as stuck (the beat task re-queues it; `pipeline_status` lists it).
PIPELINE_WORK_DIR = Path(env_str("PIPELINE_WORK_DIR", str(VAR_DIR / "pipeline-work")))
PIPELINE_WORK_MAX_BYTES = env_int("PIPELINE_WORK_MAX_BYTES", 200 * 1024**3)
PIPELINE_STUCK_MINUTES = env_int("PIPELINE_STUCK_MINUTES", 60)
# Keep the contributor's scanner file (SVS, NDPI ...) in the archive beside the DICOM made from it.
PIPELINE_KEEP_SCANNER_FILES = env_bool("PIPELINE_KEEP_SCANNER_FILES", False)
# De-identification of the images that show the slide label: label "remove" or "keep"; overview
# "remove", "blank" or "keep"; and whether the pipeline's previews become landing-page sample
# images. Defaults: a dataset's POLICY attributes label_image, overview_image and public_preview
# decide for it.
PIPELINE_LABEL_POLICY = env_str("PIPELINE_LABEL_POLICY", "remove")
PIPELINE_OVERVIEW_POLICY = env_str("PIPELINE_OVERVIEW_POLICY", "remove")
PIPELINE_PUBLIC_PREVIEW = env_bool("PIPELINE_PUBLIC_PREVIEW", False)

PORTAL_NAME = env_str("PORTAL_NAME", "Bigpicture portal")

# Mail goes through the outbox (bigpicture.outbox): console by default, SMTP with EMAIL_BACKEND=smtp.
_EMAIL_BACKENDS = {"console": "django.core.mail.backends.console.EmailBackend",
                   "smtp": "django.core.mail.backends.smtp.EmailBackend"}
_email_backend = env_str("EMAIL_BACKEND", "console")  # console, smtp, or a dotted backend path
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "Bigpicture portal <noreply@localhost>")
# The portal's public address: links in mail, in GA4GH visas (jku, value) and in catalogue items start
# with it. run_demo sets it from its --addr.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
EMAIL_LINK_BASE_URL = env_str("EMAIL_LINK_BASE_URL", PUBLIC_BASE_URL)
EMAIL_OUTBOX_MAX_ATTEMPTS = env_int("EMAIL_OUTBOX_MAX_ATTEMPTS", 6)
EMAIL_OUTBOX_BACKOFF_SECONDS = env_int("EMAIL_OUTBOX_BACKOFF_SECONDS", 60)
# The center prefix of every accession this repository issues ({center}-{type}-xxxxxx-xxxxxx).
ACCESSION_CENTER = env_str("ACCESSION_CENTER", "bp")
HEALTHZ_TIMEOUT_SECONDS = env_int("HEALTHZ_TIMEOUT_SECONDS", 3)
# /healthz shows its checks (and writes a storage probe) only to staff and to callers that send this
# token in the X-Healthz-Token header; others get the overall status, cached this many seconds.
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN", "")
HEALTHZ_CACHE_SECONDS = env_int("HEALTHZ_CACHE_SECONDS", 5)
# The repository's crypt4gh secret key: contributors encrypt files to its public key (served at
# /crypt4gh.pub), and the import decrypts them. Unset: encrypted files are refused.
CRYPT4GH_SECRET_KEY_FILE = env_file("CRYPT4GH_SECRET_KEY_FILE")
CRYPT4GH_PASSPHRASE = env_str("CRYPT4GH_PASSPHRASE", "")
# The key-encryption key for pseudonymisation secrets (governance.models.pseudonyms): 32 random bytes
# in base64 (`openssl rand -base64 32`), or PSEUDONYM_KEK_FILE. Unset: refused unless DEBUG, where
# one is derived from SECRET_KEY (and a log line says so).
PSEUDONYM_KEK = env_str("PSEUDONYM_KEK", "")
# Malware scanning (ingestion.scanning): clamd's socket, unix:///path/clamd.ctl or tcp://host:3310;
# seconds to connect, and to wait on each chunk sent and for the verdict (a big file scans for minutes).
CLAMD_ADDRESS = env_str("CLAMD_ADDRESS", "tcp://127.0.0.1:3310")
CLAMD_CONNECT_TIMEOUT_SECONDS = env_int("CLAMD_CONNECT_TIMEOUT_SECONDS", 10)
CLAMD_TIMEOUT_SECONDS = env_int("CLAMD_TIMEOUT_SECONDS", 900)
# Files above this are scanned as overlapping windows of this size (ClamAV takes at most 2 GiB of one
# stream); keep it below clamd's StreamMaxLength, MaxFileSize and MaxScanSize.
CLAMD_WINDOW_BYTES = env_int("CLAMD_WINDOW_BYTES", 1024**3)
# The clamd program the test and demo launcher (ingestion.scanning.server) runs. Default: clamd on PATH,
# else /usr/sbin/clamd.
CLAMD_BINARY = env_str("CLAMD_BINARY", "")

# --- Access: login (OIDC with Life Science AAI, local accounts, inbound visas) ---
# OIDC login (mozilla-django-oidc); off, with no button, while OIDC_OP_ISSUER is unset. The endpoints come
# from the issuer's /.well-known/openid-configuration, fetched at the first login and cached
# (access.oidc.discovery), so the portal starts while the issuer is down.
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid profile email eduperson_entitlement ga4gh_passport_v1")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_DISCOVERY_CACHE_SECONDS = env_int("OIDC_DISCOVERY_CACHE_SECONDS", 3600)
# Seconds of clock difference allowed when checking exp and iat of ID tokens and visas.
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 30)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
# Username and password accounts; LOCAL_LOGIN=0 keeps them for superusers only.
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", True)
AUTHENTICATION_BACKENDS = ["access.oidc.backend.LifeScienceAaiBackend", "access.oidc.backend.LocalAccountBackend"]
# Inbound GA4GH visas are kept only when signed by a trusted (iss, jku) pair: "iss|jku,iss|jku".
GA4GH_TRUSTED_VISA_ISSUERS = []
for _pair in env_list("GA4GH_TRUSTED_VISA_ISSUERS", []):
    _iss, _, _jku = (part.strip() for part in _pair.partition("|"))
    if not _iss or not _jku.startswith(("https://", "http://")):
        raise EnvError(f"GA4GH_TRUSTED_VISA_ISSUERS: expected iss|jku pairs separated by commas, got {_pair!r}")
    GA4GH_TRUSTED_VISA_ISSUERS.append((_iss, _jku))


# --- Access: groups (Perun-like: organisations, groups, memberships, expiry, invitations) ---
# Perun group names ("<vo>:<group>", MetaFleX DATAMANAGER_PERUN_GROUP) become entitlement URNs with these.
GROUPS_ENTITLEMENT_PREFIX = env_str("GROUPS_ENTITLEMENT_PREFIX", "urn:geant:lifescience-ri.eu:group:")
GROUPS_ENTITLEMENT_AUTHORITY = env_str("GROUPS_ENTITLEMENT_AUTHORITY", "aai.lifescience-ri.eu")
# The Perun VO of a bare group name ("bp-datamanagers-ki"); empty: bare names are not read as groups.
GROUPS_PERUN_VO = env_str("GROUPS_PERUN_VO", "")
GROUPS_INVITATION_DAYS = env_int("GROUPS_INVITATION_DAYS", 14)
# Days before a membership expires on which its member is told (once each).
GROUPS_EXPIRY_NOTICE_DAYS = [int(day) for day in env_list("GROUPS_EXPIRY_NOTICE_DAYS", ["30", "14", "7", "1"])]


# --- Access: applications (REMS-like: catalogue items, forms, licenses, workflows) ---
# An applicant may nudge the handlers once per this many days (REMS #2058).
APPLICATIONS_REMINDER_INTERVAL_DAYS = env_int("APPLICATIONS_REMINDER_INTERVAL_DAYS", 7)
# Users are reminded this many days before their entitlement end date (REMS #3333).
APPLICATIONS_EXPIRY_REMINDER_DAYS = env_int("APPLICATIONS_EXPIRY_REMINDER_DAYS", 14)
# A submitted application older than this shows as past its SLA in the handler queue.
APPLICATIONS_SLA_DAYS = env_int("APPLICATIONS_SLA_DAYS", 14)


# --- Access: entitlements, the permission cache and outbound GA4GH visas ---
# The cache that holds permission answers and their generation numbers (access.selectors.permissions):
# CACHE_URL redis://host:6379/<db> shares it between every web and worker process; unset, each process
# has its own local memory, and then only the TTL below bounds how long a revoked answer lives.
_cache_url = env_str("CACHE_URL", "")
# A cache that stops answering costs a second at most: permission answers then come from the database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url,
                      "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
          if _cache_url else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds a cached permission answer lives at most (1..60: revocation and expiry take effect within it).
PERMISSION_CACHE_SECONDS = env_int("PERMISSION_CACHE_SECONDS", 30)
if not 1 <= PERMISSION_CACHE_SECONDS <= 60:
    raise EnvError(f"PERMISSION_CACHE_SECONDS: expected 1 to 60 seconds, got {PERMISSION_CACHE_SECONDS}")
# Each process also keeps the answers it read from that cache this long (0 turns it off), and, for pixel
# reads, which user a session cookie or an API token stood for (access.selectors.principals): writes in
# the process forget both at once, other processes' writes take effect within these seconds.
PERMISSION_LOCAL_SECONDS = env_int("PERMISSION_LOCAL_SECONDS", 1)
PRINCIPAL_MEMO_SECONDS = env_int("PRINCIPAL_MEMO_SECONDS", 2)
for _name in ("PERMISSION_LOCAL_SECONDS", "PRINCIPAL_MEMO_SECONDS"):
    if not 0 <= globals()[_name] <= 10:
        raise EnvError(f"{_name}: expected 0 to 10 seconds, got {globals()[_name]}")
# Outbound visas (access.visas): each lives this long at most (or until its entitlement ends, if
# sooner); a retired signing key stays in /.well-known/jwks.json this long after its retirement.
GA4GH_VISA_DEFAULT_SECONDS = env_int("GA4GH_VISA_DEFAULT_SECONDS", 3600)
# Usernames of services that may fetch any user's passport at /api/v1/permissions/<user>.
GA4GH_TRUSTED_SERVICE_USERS = env_list("GA4GH_TRUSTED_SERVICE_USERS", [])


# --- Access layer: slide viewer and tiles ---
# Tile and frame reads are audited in sessions: a read this long after the last one starts a new session.
PIXEL_AUDIT_SESSION_GAP_SECONDS = env_int("PIXEL_AUDIT_SESSION_GAP_SECONDS", 300)
# Each process writes an open session's count at most this often (a crashed process loses at most this much).
PIXEL_AUDIT_FLUSH_SECONDS = env_int("PIXEL_AUDIT_FLUSH_SECONDS", 1)
if not 0 <= PIXEL_AUDIT_FLUSH_SECONDS < PIXEL_AUDIT_SESSION_GAP_SECONDS:
    raise EnvError("PIXEL_AUDIT_FLUSH_SECONDS: expected 0 up to PIXEL_AUDIT_SESSION_GAP_SECONDS, "
                   f"got {PIXEL_AUDIT_FLUSH_SECONDS}")
# Each process keeps an image's lookup (version, files) this long; a withdrawal takes effect within it.
PIXEL_LOOKUP_CACHE_SECONDS = env_int("PIXEL_LOOKUP_CACHE_SECONDS", 10)
if not 0 <= PIXEL_LOOKUP_CACHE_SECONDS <= 60:
    raise EnvError(f"PIXEL_LOOKUP_CACHE_SECONDS: expected 0 to 60 seconds, got {PIXEL_LOOKUP_CACHE_SECONDS}")
# Per process: the bytes of encoded tiles kept in memory, and the slides kept open (LRU, closed on eviction).
TILE_CACHE_BYTES = env_int("TILE_CACHE_BYTES", 64 * 1024 * 1024)
TILE_SLIDE_HANDLES = env_int("TILE_SLIDE_HANDLES", 16)
# Browsers keep a tile this long (Cache-Control: private) before revalidating it with its ETag.
TILE_MAX_AGE_SECONDS = env_int("TILE_MAX_AGE_SECONDS", 30)


# --- Access layer: DICOMweb ---


# --- Access layer: WebDAV ---
# Ranged reads of one file by one user within this many seconds make one audit row (access.services.webdav_audit).
WEBDAV_AUDIT_WINDOW_SECONDS = env_int("WEBDAV_AUDIT_WINDOW_SECONDS", 300)


# --- Access layer: downloads ---
# Plain (not crypt4gh) downloads over TLS: 0 refuses them for every dataset. With 1, a dataset's POLICY
# attribute plain_download ("Allowed" / "Not allowed") decides, and without it only non-clinical
# datasets allow them (access.downloads.policy).
DOWNLOAD_PLAIN_ALLOWED = env_bool("DOWNLOAD_PLAIN_ALLOWED", True)
# With STORAGE_BACKEND=s3, a plain download is a redirect to a presigned URL valid this many seconds,
# naming AWS_S3_PUBLIC_ENDPOINT_URL (the S3 address users reach; default: AWS_S3_ENDPOINT_URL).
DOWNLOAD_PRESIGNED_SECONDS = env_int("DOWNLOAD_PRESIGNED_SECONDS", 300)
if not 10 <= DOWNLOAD_PRESIGNED_SECONDS <= 3600:
    raise EnvError(f"DOWNLOAD_PRESIGNED_SECONDS: expected 10 to 3600 seconds, got {DOWNLOAD_PRESIGNED_SECONDS}")
AWS_S3_PUBLIC_ENDPOINT_URL = env_str("AWS_S3_PUBLIC_ENDPOINT_URL", "")
# A streaming download asks the permission function again this often (0..30 seconds), so a revocation
# stops one under way too.
DOWNLOAD_RECHECK_SECONDS = env_int("DOWNLOAD_RECHECK_SECONDS", 20)
if not 0 <= DOWNLOAD_RECHECK_SECONDS <= 30:
    raise EnvError(f"DOWNLOAD_RECHECK_SECONDS: expected 0 to 30 seconds, got {DOWNLOAD_RECHECK_SECONDS}")


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

raise_env_errors()
