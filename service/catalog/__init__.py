"""The catalog: departments, service items and bundles, read from ``workflows/`` and published
as immutable bundle versions."""
