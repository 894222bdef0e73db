"""The online form: the window's one form of the bundle (window/intake.py, the single definition
of the merged form and of how its errors are worded), with who is acting, and the identity check
an SMS code cannot give."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from ..applications.operations import check_application
from ..engine.bundle import Bundle
from ..engine.states import ApplicantKind, DeliveryMethod
from ..engine.terms import FieldType
from ..identity.verification import Verification, identity_verifier
from ..window import intake
from ..window.intake import APPLICANT_ID, APPLICANT_NAME, Input, Section

ACTING, AGENT_NAME, AGENT_ID = "acting", "agent_name", "agent_id"
SELF, AGENT = "self", "agent"
ACTING_CHOICES = ((SELF, _l("本人申请")), (AGENT, _l("委托代理：我为他人代办")))
DELIVERY_CHOICES = {  # electronic first: online, nothing needs collecting
    DeliveryMethod.ELECTRONIC: _l("电子送达（在本网站和短信中查收）"),
    DeliveryMethod.POST: _l("邮寄送达"),
    DeliveryMethod.WINDOW: _l("到窗口领取"),
}
_AGENT_WORDS = {"name": _l("请填写代理人的姓名"),
                "id_number": _l("身份证号码不正确：应为18位，最后一位校验码须与前17位相符")}


def acts_for_someone(bundle: Bundle, content: dict) -> bool:
    """A company is always represented by someone (经办人) under its power of attorney; a
    person applies themselves unless an agent is named."""
    return bundle.audience == ApplicantKind.COMPANY or content.get("agent") is not None


def content_from(bundle: Bundle, posted) -> dict:
    """What the page sent, as a draft's content (the API's application)."""
    content = intake.payload(bundle, posted)
    content.pop("materials")  # uploads say which materials were handed in
    if bundle.audience == ApplicantKind.COMPANY or posted.get(ACTING) == AGENT:
        content["agent"] = {"name": posted.get(AGENT_NAME, "").strip(),
                            "id_number": posted.get(AGENT_ID, "").strip().upper()}
    return content


def shown(bundle: Bundle, content: dict) -> dict[str, str]:
    values = intake.values(content)
    agent = content.get("agent")
    values[ACTING] = AGENT if acts_for_someone(bundle, content) else SELF
    values[AGENT_NAME] = agent.get("name", "") if agent else ""
    values[AGENT_ID] = agent.get("id_number", "") if agent else ""
    if DeliveryMethod.ELECTRONIC in DELIVERY_CHOICES and not content.get("delivery_method"):
        values[intake.DELIVERY] = DeliveryMethod.ELECTRONIC.value
    return values


def agent_section(bundle: Bundle, values: dict, errors: dict) -> Section:
    company = bundle.audience == ApplicantKind.COMPANY
    title = _l("经办人（企业的委托代理人）") if company else _l("代理人（代办时填写）")
    inputs = [Input(AGENT_NAME, _l("经办人姓名") if company else _l("代理人姓名"),
                    required=company, autocomplete="name"),
              Input(AGENT_ID, _l("经办人公民身份号码") if company else _l("代理人公民身份号码"),
                    FieldType.RESIDENT_ID, required=company,
                    help=_l("须与授权委托书一致，并上传授权委托书"))]
    for control in inputs:
        control.value, control.error = values.get(control.name, ""), errors.get(control.name)
    return Section(title, inputs)


@dataclass(frozen=True)
class Checked:
    errors: dict[str, str]  # by input name, in words
    identity: Verification | None  # None: not reached (the form has errors first)


def check(bundle: Bundle, content: dict) -> Checked:
    """Every rule of the bundle (as submitting applies them), then the identity of whoever acts:
    the applicant, or the agent."""
    values = shown(bundle, content)
    # A draft holds what was given so far: anything missing is checked as left empty.
    applicant = {"kind": bundle.audience.value, "name": "", "id_number": "",
                 **content.get("applicant", {})}
    try:
        check_application(bundle, applicant=applicant, agent=content.get("agent"),
                          contact_phone=content.get("contact_phone", ""),
                          form=content.get("form", {}), materials=[])
    except ValidationError as invalid:
        errors = intake.field_errors(bundle, invalid.messages, values)
        agent = invalid.messages.get("agent")
        if isinstance(agent, dict):
            for key, name in (("name", AGENT_NAME), ("id_number", AGENT_ID)):
                if key in agent:
                    errors[name] = _AGENT_WORDS[key]
        return Checked(errors, None)
    verifier = identity_verifier(current_app.config["IDENTITY_VERIFIER"])
    if acts_for_someone(bundle, content):
        person, names = content["agent"], {"name": AGENT_NAME, "id_number": AGENT_ID}
    else:
        person, names = applicant, {"name": APPLICANT_NAME, "id_number": APPLICANT_ID}
    verification = verifier.verify(person["name"], person["id_number"])
    if not verification.passed:
        return Checked({names[verification.field]: verification.message}, verification)
    return Checked({}, verification)
