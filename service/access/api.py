from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate

from ..core.database import db
from . import operations
from .models import User
from .roles import DEPARTMENT_ROLES, Role

users_blp = Blueprint("users", __name__, url_prefix="/api/users",
                      description="Staff accounts (administrators only)")
tokens_blp = Blueprint("tokens", __name__, url_prefix="/api/tokens",
                       description="Your own API tokens: list, create, revoke")


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    departments = fields.Function(lambda user: sorted(user.department_codes))
    active = fields.Boolean()
    created_at = fields.DateTime()


class UserCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    username = fields.String(required=True, validate=validate.Length(max=64), metadata={
        "description": "3–64 characters: a lower-case letter first, then a–z, digits, . _ -"})
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    role = fields.String(required=True, validate=validate.OneOf([role.value for role in Role]))
    departments = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                              load_default=list)


class UserUpdateSchema(Schema):
    """What to change; what is left out stays as it is."""

    class Meta:
        unknown = RAISE

    active = fields.Boolean()
    display_name = fields.String(validate=validate.Length(min=1, max=100))
    role = fields.String(validate=validate.OneOf([role.value for role in Role]))
    departments = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                              metadata={"description": "replaces the account's departments"})


class NewPasswordSchema(Schema):
    password = fields.String(metadata={"description": "shown this once: hand it over in person"})


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "the token's first characters"})
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True, metadata={"description": "null: not revoked"})


class TokenCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    days = fields.Integer(load_default=90, strict=True, validate=validate.Range(min=1, max=366))


class TokenCreatedSchema(TokenSchema):
    token = fields.String(metadata={"description": "the secret: shown this once, stored hashed"})


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, message=f"no user {user_id}")
    return user


@users_blp.route("")
@users_blp.response(200, UserSchema(many=True))
def list_users():
    """Every staff account."""
    return db.session.scalars(db.select(User).order_by(User.username)).all()


@users_blp.route("", methods=["POST"])
@users_blp.arguments(UserCreateSchema)
@users_blp.response(201, UserSchema)
@users_blp.alt_response(422, description="the username is taken, or the departments do not fit "
                        "the role (reviewers and supervisors name theirs, others none): the "
                        "problem names the field")
def create_user(payload):
    """Create a staff account; reviewers and supervisors name their departments."""
    return operations.create_user(role=Role(payload.pop("role")), **payload,
                                  by_user_id=current_user.id)


@users_blp.route("/<int:user_id>")
@users_blp.response(200, UserSchema)
def get_user(user_id):
    return _user_or_404(user_id)


@users_blp.route("/<int:user_id>", methods=["PATCH"])
@users_blp.arguments(UserUpdateSchema)
@users_blp.response(200, UserSchema)
@users_blp.alt_response(422, description="the departments do not fit the role (reviewers and "
                        "supervisors name theirs, others none): the problem names the field")
@users_blp.alt_response(409, description="the last active administrator cannot be deactivated "
                        "or given another role")
def update_user(payload, user_id):
    """Change an account's name, role or departments (reviewers and supervisors need theirs;
    others have none), or deactivate (reactivate) it: its tokens stop working with it. The last
    active administrator can be neither deactivated nor given another role (409)."""
    user = _user_or_404(user_id)
    try:
        if {"display_name", "role", "departments"} & payload.keys():
            role = Role(payload.get("role", user.role))
            operations.update_user(
                user, display_name=payload.get("display_name", user.display_name), role=role,
                departments=payload.get("departments", sorted(user.department_codes)
                                        if role in DEPARTMENT_ROLES else []),
                by_user_id=current_user.id)
        if "active" in payload:
            operations.set_active(user, payload["active"], by_user_id=current_user.id)
    except operations.LastAdministrator as refused:
        abort(409, message=f"{refused}: make another administrator first")
    return user


@users_blp.route("/<int:user_id>/password", methods=["POST"])
@users_blp.response(201, NewPasswordSchema)
def reset_password(user_id):
    """A new random password for the account, returned this once."""
    return {"password": operations.reset_password(_user_or_404(user_id),
                                                  by_user_id=current_user.id)}


@tokens_blp.route("")
@tokens_blp.response(200, TokenSchema(many=True))
def list_tokens():
    """Your tokens, revoked ones included."""
    return operations.tokens_of(current_user)


@tokens_blp.route("", methods=["POST"])
@tokens_blp.arguments(TokenCreateSchema)
@tokens_blp.response(201, TokenCreatedSchema)
def create_token(payload):
    """A new token for an API client; it carries your role."""
    token, secret = operations.issue_token(current_user, payload["name"], payload["days"])
    fields_ = ("id", "name", "prefix", "created_at", "expires_at", "revoked_at")
    return {**{name: getattr(token, name) for name in fields_}, "token": secret}


@tokens_blp.route("/<int:token_id>", methods=["DELETE"])
@tokens_blp.response(204)
def revoke_token(token_id):
    """Revoke one of your tokens: it stops working at once."""
    if operations.revoke_token(current_user, token_id, by_user_id=current_user.id) is None:
        abort(404, message=f"no token {token_id} of yours")
