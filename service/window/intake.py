"""The one form of a bundle as the intake page shows it, what a submitted page becomes (the
payload the API takes), and the domain's errors put back at the fields that caused them.

The rules are the domain's (``create_application`` and the API's schema); this module only
words them for the clerk, in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..engine.bundle import Bundle, FormField
from ..engine.states import ApplicantKind, DeliveryMethod
from ..engine.terms import FieldGroup, FieldType

YES, NO = "yes", "no"

GROUPS = {
    None: _l("申请信息"),
    FieldGroup.APPLICANT: _l("申请人"),
    FieldGroup.COMPANY: _l("企业"),
    FieldGroup.FAMILY: _l("家庭成员"),
    FieldGroup.CHILD: _l("子女"),
    FieldGroup.DECEASED: _l("逝者"),
    FieldGroup.WORK: _l("工作与就业"),
    FieldGroup.HEALTH: _l("健康、残疾与医疗"),
    FieldGroup.MILITARY_SERVICE: _l("服役与退役"),
    FieldGroup.BUSINESS: _l("经营场所与经营项目"),
    FieldGroup.PROPERTY: _l("不动产"),
    FieldGroup.VEHICLE: _l("车辆"),
    FieldGroup.PROJECT: _l("建设项目"),
    FieldGroup.REQUEST: _l("申请事项"),
}
DELIVERY_CHOICES = {
    DeliveryMethod.WINDOW: _l("窗口领取"),
    DeliveryMethod.POST: _l("邮寄送达"),
    DeliveryMethod.ELECTRONIC: _l("电子送达"),
}
# What a wrong answer of each type should look like: the clerk reads this, not the domain's
# English detail.
_INVALID = {
    FieldType.RESIDENT_ID: _l("身份证号码不正确：应为18位，最后一位校验码须与前17位相符"),
    FieldType.CREDIT_CODE: _l("统一社会信用代码不正确：应为18位，请核对最后一位校验码"),
    FieldType.MOBILE: _l("手机号码不正确：应为11位数字"),
    FieldType.DATE: _l("请按“年-月-日”填写日期"),
    FieldType.NUMBER: _l("请填写数字"),
    FieldType.MONEY: _l("请填写金额（元），最多两位小数"),
    FieldType.CHOICE: _l("请从列表中选择"),
    FieldType.BOOLEAN: _l("请选择“是”或“否”"),
}
_TOO_LONG = _l("内容过长，请精简")
_PHONE_INVALID = _l("联系电话不正确：手机号11位，座机请带区号")
_MATERIAL_INVALID = _l("材料清单有误，请重新勾选")

# Fixed inputs: name → (label, the key path of its errors).
APPLICANT_NAME, APPLICANT_ID, CONTACT_PHONE = "applicant_name", "applicant_id", "contact_phone"
DELIVERY, MATERIALS = "delivery_method", "materials"
_INPUT_MODES = {FieldType.NUMBER: "decimal", FieldType.MONEY: "decimal",
                FieldType.RESIDENT_ID: "numeric", FieldType.MOBILE: "tel"}


@dataclass
class Input:
    """One control of the page: a text box, a list or a yes/no choice."""

    name: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = True
    help: str = ""
    choices: tuple = ()  # (value, label)
    value: str = ""
    error: str | None = None
    autocomplete: str = "off"

    @property
    def id(self) -> str:
        return "field-" + self.name

    @property
    def inputmode(self) -> str | None:
        return _INPUT_MODES.get(self.type)

    @property
    def html_type(self) -> str:
        return {FieldType.DATE: "date", FieldType.MOBILE: "tel"}.get(self.type, "text")


@dataclass
class Section:
    title: str
    inputs: list[Input] = field(default_factory=list)


def form_name(code: str) -> str:
    return "form-" + code


def sections(bundle: Bundle, values: dict[str, str], errors: dict[str, str]) -> list[Section]:
    """The page's sections: the applicant, then the bundle's fields by group, each asked once."""
    person = bundle.audience == ApplicantKind.PERSON
    applicant = Section(_l("申请人"), [
        Input(APPLICANT_NAME, _l("申请人姓名") if person else _l("企业名称"),
              autocomplete="name" if person else "organization"),
        Input(APPLICANT_ID, _l("公民身份号码") if person else _l("统一社会信用代码"),
              FieldType.RESIDENT_ID if person else FieldType.CREDIT_CODE),
        Input(CONTACT_PHONE, _l("联系电话"), FieldType.MOBILE, autocomplete="tel",
              help=_l("手机号；座机请带区号")),
    ])
    found = [applicant]
    for each in bundle.form:
        title = GROUPS[each.group]
        if found[-1].title != title or found[-1] is applicant:
            found.append(Section(title))
        found[-1].inputs.append(_input(each))
    for section in found:
        for control in section.inputs:
            control.value = values.get(control.name, "")
            control.error = errors.get(control.name)
    return found


def _input(form_field: FormField) -> Input:
    choices: tuple = ()
    if form_field.type == FieldType.CHOICE:
        choices = tuple((choice, choice) for choice in form_field.choices)
    elif form_field.type == FieldType.BOOLEAN:
        choices = ((YES, _l("是")), (NO, _l("否")))
    return Input(form_name(form_field.code), form_field.label, form_field.type,
                 form_field.required, form_field.help, choices)


def payload(bundle: Bundle, posted) -> dict:
    """What the page sent, as the API's application (and a draft's content) holds it:
    unanswered fields left out, yes/no as booleans."""
    answers = {}
    for each in bundle.form:
        text = posted.get(form_name(each.code), "").strip()
        if not text:
            continue
        if each.type == FieldType.BOOLEAN:
            answers[each.code] = {YES: True, NO: False}.get(text, text)
        else:
            answers[each.code] = text
    return {
        "applicant": {"kind": bundle.audience.value,
                      "name": posted.get(APPLICANT_NAME, "").strip(),
                      "id_number": posted.get(APPLICANT_ID, "").strip()},
        "contact_phone": posted.get(CONTACT_PHONE, "").strip(),
        "form": answers,
        "materials": [code for code in posted.getlist(MATERIALS) if code],
        "delivery_method": posted.get(DELIVERY) or DeliveryMethod.WINDOW.value,
    }


def values(content: dict) -> dict[str, str]:
    """A payload (or a draft's content) as the page's inputs show it."""
    applicant = content.get("applicant", {})
    shown = {APPLICANT_NAME: applicant.get("name", ""),
             APPLICANT_ID: applicant.get("id_number", ""),
             CONTACT_PHONE: content.get("contact_phone", ""),
             DELIVERY: content.get("delivery_method", DeliveryMethod.WINDOW.value)}
    for code, answer in content.get("form", {}).items():
        if isinstance(answer, bool):
            answer = YES if answer else NO
        shown[form_name(code)] = "" if answer is None else str(answer)
    return shown


def field_errors(bundle: Bundle, messages: dict, shown: dict[str, str]) -> dict[str, str]:
    """The domain's errors (keyed as the API's problem names them) at the page's inputs, in
    words: what was left empty, or what the answer should look like."""
    types = {form_name(each.code): each.type for each in bundle.form}
    person = bundle.audience == ApplicantKind.PERSON
    types[APPLICANT_ID] = FieldType.RESIDENT_ID if person else FieldType.CREDIT_CODE
    labels = {control.name: control.label for section in sections(bundle, {}, {})
              for control in section.inputs}
    located: dict[str, str] = {}

    def word(name: str, default=None) -> str:
        if not shown.get(name, "").strip():
            return _l("请填写%(label)s", label=labels.get(name, ""))
        return _INVALID.get(types.get(name), default or _TOO_LONG)

    applicant = messages.get("applicant", {})
    if isinstance(applicant, dict):
        for key, name in (("name", APPLICANT_NAME), ("id_number", APPLICANT_ID)):
            if key in applicant:
                located[name] = word(name)
    if "contact_phone" in messages:
        located[CONTACT_PHONE] = word(CONTACT_PHONE, _PHONE_INVALID)
    answers = messages.get("form", {})
    if isinstance(answers, dict):
        for code in answers:
            if form_name(code) in types:
                located[form_name(code)] = word(form_name(code))
    if MATERIALS in messages:
        located[MATERIALS] = _MATERIAL_INVALID
    if DELIVERY in messages:
        located[DELIVERY] = _INVALID[FieldType.CHOICE]
    return located
