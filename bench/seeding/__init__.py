"""A county's applications seeded into PostgreSQL with COPY: see load.py."""
