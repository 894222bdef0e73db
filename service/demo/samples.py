"""Plausible applicants and form answers for demo applications and tests."""

from stdnum.cn import ric, uscc

from ..engine.bundle import Bundle
from ..engine.states import ApplicantKind
from ..engine.terms import FieldType

_TEXT = {
    "child_name": "李小满", "birth_institution": "县人民医院", "father_name": "李明",
    "mother_name": "王芳", "registered_address": "城关镇人民路18号",
    "business_name": "城关镇老李面馆", "business_address": "城关镇解放街26号",
    "signboard_text": "老李面馆", "company_name": "县恒通商贸有限公司",
    "bank_account_number": "6222020200112233445",
}


def resident_id(serial: int, birth: str = "19900307") -> str:
    """A resident ID number with a correct check character (region 430121)."""
    body = f"430121{birth}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the first 17 of 18


def credit_code(serial: int) -> str:
    body = f"91430121MA4L{serial % 100000:05d}"
    return body + uscc.calc_check_digit(body)


def answers_for(bundle: Bundle, serial: int = 1) -> dict:
    """An answer to every field of the bundle's form, valid for its type."""
    answers = {}
    for field in bundle.form:
        match field.type:
            case FieldType.DATE:
                answers[field.code] = "2026-11-20"
            case FieldType.NUMBER:
                answers[field.code] = 60
            case FieldType.BOOLEAN:
                answers[field.code] = False
            case FieldType.CHOICE:
                answers[field.code] = field.choices[0]
            case FieldType.RESIDENT_ID:
                answers[field.code] = resident_id(serial, birth="19850612")
            case FieldType.CREDIT_CODE:
                answers[field.code] = credit_code(serial)
            case FieldType.MOBILE:
                answers[field.code] = f"138{serial % 100_000_000:08d}"
            case FieldType.MONEY:
                answers[field.code] = "3000.00"
            case FieldType.ADDRESS:
                answers[field.code] = _TEXT.get(field.code, "城关镇人民路18号")
            case _:
                answers[field.code] = _TEXT.get(field.code, f"{field.label}（示例）")
    return answers


def applicant_for(bundle: Bundle, serial: int) -> dict:
    if bundle.audience == ApplicantKind.COMPANY:
        return {"kind": "company", "name": "县恒通商贸有限公司", "id_number": credit_code(serial)}
    return {"kind": "person", "name": "李明", "id_number": resident_id(serial)}


def approval_for(bundle: Bundle, item_code: str, serial: int = 1) -> dict:
    """An approval's data: the reviewer's opinion and the result, with a number where the item
    issues a certificate (named after it), a plain decision letter where it issues none."""
    item = bundle.item(item_code)
    names = {material.code: material.name for material in bundle.materials}
    if item.produces:  # named by the bundle where a later item consumes it
        result = {"document": names.get(item.produces[0]) or f"{item.name}证明",
                  # As a county body numbers what it issues: 县公安局证字〔2026〕第000001号.
                  "number": f"{item.department.name}证字〔2026〕第{serial:06d}号"}
    else:
        result = {"document": f"{item.name}准予决定书", "number": None}
    return {"opinion": "材料齐全，符合法定条件，同意。", "result": result}
