"""Security headers on every response, and CSRF protection for the pages' forms."""

from flask import request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])
# Swagger UI sets style attributes as it draws: allowed on the docs page alone.
DOCS_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'",
                                              "style-src 'self' 'unsafe-inline'")


def init_app(app) -> None:
    csrf.init_app(app)

    @app.after_request
    def security_headers(response):
        docs = request.path == app.config["OPENAPI_URL_PREFIX"] + "/docs"
        response.headers.setdefault("Content-Security-Policy",
                                    DOCS_POLICY if docs else CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response
