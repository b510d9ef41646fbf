"""The Celery application: workers and beat run the scheduled jobs of ``workflow.tasks``.

Production: ``celery -A config worker`` and ``celery -A config beat`` with ``REDIS_URL`` set (the
broker); the schedule is ``CELERY_BEAT_SCHEDULE`` in the settings. Without ``REDIS_URL`` a task called
with ``.delay()`` runs in-process (``CELERY_TASK_ALWAYS_EAGER``), so the embedded default needs no broker.
"""

import os

from celery import Celery

# Like wsgi/asgi: a worker is a production process unless told otherwise.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
