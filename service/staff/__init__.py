"""What every staff page shares: the layout, the macros (level badges, pagination, the error
summary), the words for states and levels, paging and the day. The window and the departments'
pages build on it. And the uploaded materials, served to the staff who may see them
(files.py)."""


def init_app(app, api) -> None:
    from . import files
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(files.bp)
