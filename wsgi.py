"""The WSGI entry point: ``gunicorn wsgi:app``, ``flask --app wsgi <command>``."""

from service import create_app

app = create_app()
