from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, NumberRange


class LoginForm(FlaskForm):
    username = StringField("用户名 Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码 Password", validators=[DataRequired(), Length(max=200)])


class TokenForm(FlaskForm):
    name = StringField("令牌名称 Token name", validators=[DataRequired(), Length(max=100)])
    days = IntegerField("有效天数 Valid for (days)", default=90,
                        validators=[DataRequired(), NumberRange(min=1, max=366)])


class EmptyForm(FlaskForm):
    """A button that changes something: only its CSRF token."""
