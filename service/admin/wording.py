"""The console's words for the catalog's terms (translated with Flask-Babel)."""

from flask_babel import lazy_gettext as _l

from ..engine.calendar import Unit
from ..engine.states import ApplicantKind
from ..engine.terms import DepartmentLevel, ItemKind
from ..window.wording import BUSINESS_STAGES, LIFE_EVENTS

CATEGORIES = {**LIFE_EVENTS, **BUSINESS_STAGES}
AUDIENCES = {ApplicantKind.PERSON: _l("个人"), ApplicantKind.COMPANY: _l("企业")}
UNITS = {Unit.WORKING_DAYS: _l("工作日"), Unit.NATURAL_DAYS: _l("自然日")}
KINDS = {ItemKind.LICENCE: _l("行政许可"), ItemKind.REGISTRATION: _l("登记"),
         ItemKind.FILING: _l("备案"), ItemKind.CONFIRMATION: _l("行政确认"),
         ItemKind.PUBLIC_SERVICE: _l("公共服务")}
DEPARTMENT_LEVELS = {DepartmentLevel.COUNTY: _l("县级部门"),
                     DepartmentLevel.TOWNSHIP: _l("乡镇（街道）"),
                     DepartmentLevel.CITY: _l("市级部门或其县分支"),
                     DepartmentLevel.VERTICAL: _l("垂直管理"),
                     DepartmentLevel.ENTERPRISE: _l("公共服务企业")}


def words() -> dict:
    return {"categories": CATEGORIES, "audiences": AUDIENCES, "units": UNITS, "kinds": KINDS,
            "department_levels": DEPARTMENT_LEVELS}
