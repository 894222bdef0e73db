from tests.browsing import browser, live  # noqa: F401  (fixtures)
