"""What every feature stands on: settings, the database, one transaction per request,
idempotency, problem documents, security headers, languages, rate limits."""
