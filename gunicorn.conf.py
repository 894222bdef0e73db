"""gunicorn settings. Sync workers, one per core: the hot path is Python CPU
(docs/PERFORMANCE.md)."""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
accesslog = None  # the app logs each request itself, as JSON with its id (service/observability)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Metrics of every worker: prometheus_client keeps each worker's values in files of this
# directory, which /metrics sums. Set here, in the master, before any worker imports the app
# (prometheus_client reads it at import); a directory of this server's own unless one is given.
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="onething-metrics-")


def on_starting(server):
    """The previous run's files would add its counts to this one's: start from an empty
    directory."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)


def child_exit(server, worker):
    """A dead worker's counts stay in the sums; its live gauges, if any, go."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
