"""Settings of the benchmark runs: the test settings (fast hashing, in-memory e-mail) on the bench database.

``bench.run`` sets ``DATABASE_URL`` before Django reads these, so the database is the bench one, never the
development database.
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import ALLOWED_HOSTS

DEBUG = False
# The API scenario calls the views in-process through DRF's test client, whose host is "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
