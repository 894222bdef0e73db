"""Chinese first, English on request: the choice lives in a cookie (no account needed)."""

from flask import request
from flask_babel import Babel, format_date

LANGUAGES = ("zh", "en")
babel = Babel()


def select_locale() -> str:
    choice = request.cookies.get("lang")
    return choice if choice in LANGUAGES else LANGUAGES[0]


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    babel.init_app(app, locale_selector=select_locale)

    @app.template_filter("date_long")
    def date_long(day):
        """2026年11月26日 in Chinese, November 26, 2026 in English."""
        return format_date(day, format="long") if day else ""

    app.add_template_filter(size_words, "file_size")

    @app.context_processor
    def preferences():
        return {"current_language": select_locale(),
                "large_text": request.cookies.get("text") == "large"}


def size_words(size: int) -> str:
    """A file's size as people read it, in either language: 350 KB, 2.4 MB."""
    if size < 1024 * 1024:
        return f"{max(round(size / 1024), 1)} KB"
    return f"{size / (1024 * 1024):.1f} MB"
