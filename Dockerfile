# onething behind gunicorn. Run the migrations and the catalog load as a release step:
#   docker run --rm -e DATABASE_URL=... IMAGE flask --app wsgi db upgrade
#   docker run --rm -e DATABASE_URL=... IMAGE flask --app wsgi catalog load
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ONETHING_ENV=production \
    BIND=0.0.0.0:8000

WORKDIR /app
RUN useradd --create-home --uid 10001 onething

COPY pyproject.toml README.md ./
COPY service ./service
# Editable, so that the package finds workflows/ and migrations/ beside it in /app.
RUN pip install --no-cache-dir -e . \
    && pybabel compile -d service/translations \
    && mkdir -p /app/instance && chown onething /app/instance
COPY wsgi.py gunicorn.conf.py ./
COPY migrations ./migrations
COPY workflows ./workflows

USER onething
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]
