"""What every feature stands on: settings, the database, one transaction per request,
idempotency, problem documents, security headers, languages, rate limits, and the bounds and
guard every request passes before a view sees it."""

# Imported with the package, so that the bound on page numbers is in place before any
# blueprint's @paginate builds its schema.
from . import bounds  # noqa: F401
