"""The reform's figures: turnaround, on time, online, visits, per bundle, department and week,
and the ratings; as /api/stats, `flask stats` and the dashboard (/dashboard)."""


def init_app(app, api) -> None:
    from ..core.security import allow_inline_styles
    from . import api as stats_api
    from . import cli
    from .pages import bp

    api.register_blueprint(stats_api.blp)
    app.register_blueprint(bp)
    app.cli.add_command(cli.stats_command)
    for endpoint in ("dashboard.dashboard", "dashboard.record_follow_up"):  # the page again
        allow_inline_styles(endpoint)  # ECharts styles its tooltips as it draws
