"""Settings for the test suite: fast hashing, in-memory e-mail; the database still comes from DATABASE_URL."""

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}  # in-memory per worker
# The process's memory, whatever REDIS_URL says: each test worker counts its own sign-in failures.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
# Sign-in failures are counted in that memory for the whole worker, across tests (the API fuzzing sends many):
# the limits are out of reach so that no test is paused by another's failures. The tests of the pause
# (tests/web/test_auth.py, tests/api/test_tokens.py) set their own small limits and clear the counters.
LOGIN_FAILURE_LIMIT = 10_000
LOGIN_FAILURE_LIMIT_PER_IP = 10_000
# Schemathesis calls the WSGI application in-process with "Host: localhost" (tests/api/test_fuzz.py), whatever
# ALLOWED_HOSTS the environment gives.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, *(["localhost"] if "localhost" not in ALLOWED_HOSTS else [])]
