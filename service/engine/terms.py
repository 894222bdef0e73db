"""The catalog's vocabularies: who decides (a body and its level), what kind of item, what a form
field holds and where it sits in the merged form, and what a bundle is found by."""

from enum import StrEnum

# An item's ``basis`` the catalog could not source: said so rather than guessed (docs/DOMAIN.md).
BASIS_UNKNOWN = "unknown"


class DepartmentLevel(StrEnum):
    """The level of the body that decides an item (use_level in provincial catalogs)."""

    COUNTY = "county"  # a county government department (县级部门)
    TOWNSHIP = "township"  # a township or street service centre (乡镇（街道）便民服务中心)
    CITY = "city"  # a city department, or its county branch (市级部门, e.g. 市生态环境局县分局)
    VERTICAL = "vertical"  # managed from above, not by the county: tax, customs, … (垂直管理)
    ENTERPRISE = "enterprise"  # a public-service enterprise: power, water, gas, telecom, banks


class ItemKind(StrEnum):
    """What an item is in law, where its rules differ: a licence (行政许可) falls under the
    行政许可法, its statutory limit included (art. 42)."""

    LICENCE = "licence"  # 行政许可
    REGISTRATION = "registration"  # 登记
    FILING = "filing"  # 备案
    CONFIRMATION = "confirmation"  # 行政确认 (认定, 确认)
    PUBLIC_SERVICE = "public_service"  # 公共服务


class FieldType(StrEnum):
    """What a form field holds; each is checked, and normalised, on submission."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"  # one of the field's ``choices``
    RESIDENT_ID = "resident_id"  # 居民身份证号码 (GB 11643)
    CREDIT_CODE = "credit_code"  # 统一社会信用代码 (GB 32100)
    MOBILE = "mobile"  # a mainland mobile number
    MONEY = "money"  # yuan: a decimal string, at most 2 decimals, not negative
    ADDRESS = "address"


class FieldGroup(StrEnum):
    """The section of the merged form a field belongs to, in the order the form shows them."""

    APPLICANT = "applicant"  # 申请人
    COMPANY = "company"  # 企业
    FAMILY = "family"  # 家庭成员
    CHILD = "child"  # 子女
    DECEASED = "deceased"  # 逝者
    WORK = "work"  # 工作与就业
    HEALTH = "health"  # 健康、残疾与医疗
    MILITARY_SERVICE = "military_service"  # 服役与退役
    BUSINESS = "business"  # 经营场所与经营项目
    PROPERTY = "property"  # 不动产
    VEHICLE = "vehicle"  # 车辆
    PROJECT = "project"  # 建设项目
    REQUEST = "request"  # 申请事项: what exactly is asked for


GROUP_ORDER = {group: position for position, group in enumerate(FieldGroup)}


class Category(StrEnum):
    """What a bundle is found by: a life event of a person, or a stage of a business."""

    # Life events (个人全生命周期)
    BIRTH = "birth"
    SCHOOLING = "schooling"
    WORK = "work"
    MARRIAGE = "marriage"
    HOUSING = "housing"
    HEALTH = "health"
    DISABILITY = "disability"
    SOCIAL_SECURITY = "social_security"
    MILITARY_SERVICE = "military_service"
    RETIREMENT = "retirement"
    OLD_AGE = "old_age"
    DEATH = "death"
    TRAVEL = "travel"  # 出行: a car, a licence (国办发〔2025〕24号 names it among life stages)
    # Business stages (企业全生命周期)
    OPENING = "opening"
    OPERATING = "operating"
    CONSTRUCTING = "constructing"  # a construction project, from land to completion
    CHANGING = "changing"
    CLOSING = "closing"
