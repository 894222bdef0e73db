"""The dashboard's two forms: the period it shows, and a supervisor's follow-up of a bad
rating."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from ..engine.states import FollowUpStatus
from .sql import EARLIEST, LATEST, Period
from .tables import FOLLOW_UP_WORDS

DEFAULT_DAYS = 28  # four weeks up to today
LONGEST = 366  # a year's figures, and no more in one page


class PeriodForm(FlaskForm):
    """Days in Asia/Shanghai, both included; read from the query string (a GET form)."""

    class Meta:
        csrf = False

    since = StringField(_l("开始日期"), render_kw={"type": "date"})
    until = StringField(_l("结束日期"), render_kw={"type": "date"})

    def period(self, today: date) -> Period | None:
        """The period asked for (by default the last four weeks), or None with the form's
        errors set."""
        if not self.validate():
            return None
        since, until = _day(self.since.data), _day(self.until.data)
        until = until or (today if since is None or since <= today
                          else since + timedelta(days=DEFAULT_DAYS - 1))
        since = since or until - timedelta(days=DEFAULT_DAYS - 1)
        if since > until:
            self.until.errors.append(_l("结束日期不能早于开始日期"))
        elif (until - since).days >= LONGEST:
            self.until.errors.append(_l("统计期间最长一年（366天）"))
        return None if self.until.errors else Period(since, until)

    def validate_since(self, field):
        _check_day(field.data)

    def validate_until(self, field):
        _check_day(field.data)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text.strip()) if text and text.strip() else None


def _check_day(text: str | None) -> None:
    try:
        day = _day(text)
    except ValueError:
        raise ValidationError(_l("请按“年-月-日”填写日期，如 2026-10-01")) from None
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValidationError(_l("请填写2000年至2099年之间的日期"))


class FollowUpForm(FlaskForm):
    """What a supervisor did about a bad rating: called back, or settled it, and a note."""

    status = RadioField(_l("跟进情况"), choices=[SelectChoice(status.value, words) for status, words
                                               in FOLLOW_UP_WORDS.items()],
                        validators=[InputRequired(_l("请选择已回访或已解决"))])
    note = TextAreaField(_l("跟进说明"), validators=[
        InputRequired(_l("请写明跟进情况，如回访结果、整改措施")),
        Length(max=1000, message=_l("跟进说明最多1000字"))])

    def validate_note(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("请写明跟进情况，如回访结果、整改措施"))

    @property
    def chosen_status(self) -> FollowUpStatus:
        return FollowUpStatus(self.status.data)
