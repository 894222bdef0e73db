"""What `celery --app service.jobs.worker worker` and `… beat` load: the Flask app (configured
from the environment, as the web server's) and its Celery app, ``celery_app``. A worker without
CELERY_BROKER_URL uses the local Redis."""

import os

from service import create_app

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"

flask_app = create_app({"CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL")
                        or DEFAULT_BROKER})
celery_app = flask_app.extensions["celery"]
