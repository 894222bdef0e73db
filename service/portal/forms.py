from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..applications.ratings import BAD_GRADES
from .wording import GRADES


class LookupForm(FlaskForm):
    number = StringField(_l("申请编号"), validators=[DataRequired(), Length(max=20)],
                         render_kw={"inputmode": "numeric", "autocomplete": "off"})
    query_code = StringField(_l("查询码"), validators=[DataRequired(), Length(max=20)],
                             render_kw={"autocomplete": "off", "autocapitalize": "characters"})


class RatingForm(FlaskForm):
    grade = RadioField(_l("您对本次服务的评价"), coerce=int, validators=[DataRequired()],
                       choices=[SelectChoice(grade, label) for grade, label in GRADES.items()])
    comment = TextAreaField(_l("意见（不满意时必填）"), validators=[Length(max=500)])

    def validate_comment(self, field):
        if self.grade.data in BAD_GRADES and not (field.data or "").strip():
            raise ValidationError(_l("请告诉我们哪里不满意，以便回访整改"))
