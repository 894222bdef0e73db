# onething: one image for the web (gunicorn), the Celery worker and beat, and the release step
# (compose.yaml runs them all; docs/DEPLOY.md says how a province runs them).
#   docker run --rm --env-file prod.env IMAGE flask db upgrade      # then calendar seed, catalog load
#   docker run --env-file prod.env -p 8000:8000 IMAGE               # gunicorn

FROM python:3.11-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /src
COPY pyproject.toml ./
COPY service ./service
# The dependencies go into a venv the final stage copies whole; the project itself is not
# installed: it runs from /app, where it finds workflows/ and migrations/ beside service/.
# Every dependency ships a wheel for this Python, so this stage needs no compiler either; one
# that needs one installs build-essential here, never in the final stage.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --requirement requirements.txt \
    && /opt/venv/bin/pybabel compile --use-fuzzy --directory service/translations


FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    FLASK_APP=wsgi \
    ONETHING_ENV=production \
    BIND=0.0.0.0:8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/onething-metrics

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /src/service ./service
COPY wsgi.py gunicorn.conf.py ./
COPY migrations ./migrations
COPY workflows ./workflows
# The image's files stay root's: the service writes only to the metrics directory, the uploads
# directory (a volume in compose.yaml) and /tmp.
RUN useradd --no-create-home --uid 10001 --user-group onething \
    && mkdir -p /tmp/onething-metrics /srv/uploads \
    && chown 10001:10001 /tmp/onething-metrics /srv/uploads

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]
