"""The domain core: bundle definitions, their state machines and the rules of one application.

Nothing in this package imports Flask or the database; the web layer, the CLI and the tests all
drive applications through it.
"""
