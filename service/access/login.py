"""Flask-Login: pages by session, the API by bearer token."""

from __future__ import annotations

from flask import g
from flask_login import LoginManager

from ..core.database import db
from .citizens import TOKEN_PREFIX as CITIZEN_PREFIX
from .citizens import bearer_token
from .models import User
from .operations import user_for_token

login_manager = LoginManager()
login_manager.login_view = "pages.login"
login_manager.login_message = "请先登录 / Please sign in."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


@login_manager.request_loader
def load_user_from_token(request) -> User | None:
    token = bearer_token()
    if token is None or token.startswith(CITIZEN_PREFIX):
        return None
    user = user_for_token(token)
    if user is not None:
        g.authenticated_by = "token"
    return user
