"""What a column can hold: integers from URLs, query strings and bodies stop at PostgreSQL's
INTEGER before any query sees them (an id past it is a 404 or a 422, never a 500)."""

from flask_smorest import pagination
from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter

INT_MAX = 2**31 - 1  # PostgreSQL INTEGER; SQLite's is wider, the API promises the narrower

# Ids, versions, page numbers: 1 to INT_MAX.
POSITIVE = validate.Range(min=1, max=INT_MAX)


def digits_up_to(limit: int) -> str:
    """A regular expression of the decimal numbers from 0 to ``limit``."""
    digits = str(limit)
    numbers = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):  # same length: smaller at ``position``
        if digit != "0":
            rest = len(digits) - position - 1
            numbers.append(f"{digits[:position]}[0-{int(digit) - 1}][0-9]{{{rest}}}")
    return "|".join([*numbers, digits])


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` in every route: ASCII digits up to ``INT_MAX``, or no route matches (404).
    Werkzeug's own converter takes any number of digits, of any script; the bound is in the
    regular expression because werkzeug answers a value its converter refuses with 405 when the
    path has routes for other methods."""

    regex = digits_up_to(INT_MAX)

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


# flask-smorest (0.47) builds the pagination parameters in a module function with no hook, and
# its ``page`` has no maximum: (page - 1) × page_size became an OFFSET no database takes.
_smorest_pagination_schema = pagination._pagination_parameters_schema_factory


def _bounded_pagination_schema(def_page, def_page_size, def_max_page_size):
    base = _smorest_pagination_schema(def_page, def_page_size, def_max_page_size)

    class PaginationParametersSchema(base):
        page = fields.Integer(load_default=def_page, validate=POSITIVE)

    return PaginationParametersSchema


pagination._pagination_parameters_schema_factory = _bounded_pagination_schema


def init_app(app) -> None:
    """Before any blueprint: a rule compiles its converters when it is added."""
    app.url_map.converters["int"] = BoundedIntegerConverter
