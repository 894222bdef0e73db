"""Security headers on every response, and CSRF protection for the pages' forms."""

from flask import request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])
# Swagger UI sets style attributes as it draws, and mermaid puts a <style> in each diagram:
# inline styles are allowed on the pages that draw them alone (scripts stay strict everywhere).
INLINE_STYLE_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'",
                                                      "style-src 'self' 'unsafe-inline'")
_INLINE_STYLE_ENDPOINTS: set[str] = set()


def allow_inline_styles(endpoint: str) -> None:
    """Let ``endpoint``'s page have inline styles (for a vendored library that draws)."""
    _INLINE_STYLE_ENDPOINTS.add(endpoint)


def init_app(app) -> None:
    csrf.init_app(app)

    @app.after_request
    def security_headers(response):
        drawn = (request.path == app.config["OPENAPI_URL_PREFIX"] + "/docs"
                 or request.endpoint in _INLINE_STYLE_ENDPOINTS)
        response.headers.setdefault("Content-Security-Policy",
                                    INLINE_STYLE_POLICY if drawn else CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response
