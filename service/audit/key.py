from flask import current_app


def audit_key() -> bytes:
    """The chains' key: the AUDIT_KEY setting (service/core/config.py), never in the database."""
    return current_app.config["AUDIT_KEY"].encode()
