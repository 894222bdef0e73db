import click
from flask import current_app
from flask.cli import AppGroup
from marshmallow import ValidationError
from sqlalchemy import select

from ..core.database import db
from ..engine.errors import flatten_messages
from . import operations, phone_codes
from .demo_accounts import demo_password, ensure_demo_users
from .models import User
from .roles import Role

users_cli = AppGroup("users", help="Staff accounts and their API tokens.")

def _create(**fields) -> User:
    try:
        return operations.create_user(**fields, by_user_id=None)  # on the server's shell
    except ValidationError as error:
        for path, message in flatten_messages(error.messages):
            click.echo(f"error: {path}: {message}", err=True)
        raise click.ClickException("user not created") from None


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="the name shown in pages and logs")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--department", "departments", multiple=True,
              help="for reviewers and supervisors; repeat for several")
@click.password_option(help="at least 10 characters (asked for when not given)")
def create(username, display_name, role, departments, password):
    """Create a staff account."""
    user = _create(username=username, display_name=display_name, password=password,
                   role=Role(role), departments=list(departments))
    db.session.commit()
    click.echo(f"created {user.username} ({user.role})")


@users_cli.command("list")
def list_users():
    """Every account, its role and departments."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        departments = ", ".join(sorted(user.department_codes))
        click.echo(f"{user.username:<16} {user.role:<11} {'active' if user.active else 'off':<7}"
                   f" {departments}")


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="what the token is for")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 366))
def token(username, name, days):
    """Print a new API token for USERNAME (shown once; stored hashed)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise click.ClickException(f"no active user {username!r}")
    _, secret = operations.issue_token(user, name, days)
    db.session.commit()
    click.echo(secret)


@users_cli.command("demo")
def demo():
    """Create the demo accounts (once) and print how to sign in. Refused in production."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("demo users are not allowed in the production configuration")
    try:
        accounts = ensure_demo_users()
    except ValidationError as error:
        for path, message in flatten_messages(error.messages):
            click.echo(f"error: {path}: {message}", err=True)
        raise click.ClickException("demo users not created: load the catalog first") from None
    click.echo("demo accounts (sign in at /login):")
    for username, user in accounts.items():
        click.echo(f"  {username:<11} {demo_password(username):<22} {user.role:<10} "
                   f"{user.display_name}")
    db.session.commit()


@users_cli.command("purge-codes")
def purge_codes():
    """Delete applicants' SMS sign-in codes expired for more than a day (safe to run daily)."""
    count = phone_codes.purge_expired()
    db.session.commit()
    click.echo(f"{count} expired sign-in code(s) deleted")
