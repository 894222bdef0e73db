"""What every staff page shares: the layout, the macros (level badges, pagination, the error
summary), the words for states and levels, paging and the day. The window and the departments'
pages build on it."""


def init_app(app, api) -> None:
    from .views import bp

    app.register_blueprint(bp)
