"""The first hook of every request: what no other hook, view or query ever sees.

PostgreSQL refuses NUL in text and JSON, and no driver encodes a lone surrogate (``"\\ud800"``
in JSON); JSON nested without end exhausts the parser; NaN and Infinity are not JSON. Each is a
400 naming where it was found, in the path, a query parameter, a header, a form field or the
JSON body, before the access check, the rate limiter (whose keys read the body) or a view. A
body over MAX_CONTENT_LENGTH is a 413 before anything reads it.
"""

from __future__ import annotations

import json

from flask import Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from . import bounds
from .problems import error_response

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def init_app(app) -> None:
    """Before any blueprint (for the bounded ``int`` converter); the hook runs first wherever
    this is called."""
    bounds.init_app(app)
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)


def accepts_uploads(view):
    """Mark a view that takes uploaded files: its requests may be as large as
    UPLOAD_REQUEST_MAX_BYTES, every other request stays within MAX_CONTENT_LENGTH."""
    view.accepts_uploads = True
    return view


def check_request() -> Response | None:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "accepts_uploads", False):
        limit = current_app.config["UPLOAD_REQUEST_MAX_BYTES"]
        request.max_content_length = limit  # what reading the form enforces too
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    try:
        _check_texts()
        if request.is_json:
            _check_json(request.get_data(cache=True))
    except Refused as refused:
        return error_response(400, refused.title, refused.detail, type_=refused.type_,
                              location=refused.where)
    return None


class Refused(Exception):
    def __init__(self, where: str, detail: str, title: str = "Unusable characters",
                 type_: str = "urn:onething:problem:unusable-characters"):
        super().__init__(detail)
        self.where, self.detail, self.title, self.type_ = where, detail, title, type_


def _flaw(text: str) -> str | None:
    if "\x00" in text:
        return "a NUL character (U+0000)"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "a lone surrogate (U+D800 to U+DFFF)"
    return None


def _name(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _refuse_text(where: str, text: str) -> None:
    flaw = _flaw(text)
    if flaw:
        raise Refused(where, f"{where} contains {flaw}, which the service cannot store")


def _check_texts() -> None:
    _refuse_text("the path", request.path)
    _check_pairs("query parameter", request.args.items(multi=True))
    _check_pairs("header", request.headers.items())
    if request.mimetype in _FORMS:  # reading the form may raise 413
        _check_pairs("form field", request.form.items(multi=True))
        _check_pairs("file field", ((name, upload.filename or "")
                                    for name, upload in request.files.items(multi=True)))


def _check_pairs(kind: str, pairs) -> None:
    for name, value in pairs:
        _refuse_text(f"the name of a {kind}", name)
        _refuse_text(f"{kind} {_name(name)}", value)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _too_deep(where: str, limit: int) -> Refused:
    return Refused(where, f"{where} is nested deeper than {limit} levels",
                   title="Nested too deeply", type_="urn:onething:problem:nested-too-deeply")


def _check_json(body: bytes) -> None:
    if not body:
        return  # webargs answers a missing body
    limit = current_app.config["MAX_JSON_DEPTH"]
    try:
        document = json.loads(body, parse_constant=_refuse_constant)
    except RecursionError:
        raise _too_deep("the body", limit) from None
    except ValueError as error:  # JSONDecodeError, bad UTF-8, an integer of 5000 digits…
        raise Refused("the body", f"the body is not valid JSON: {error}",
                      title="Malformed JSON", type_="urn:onething:problem:malformed-json") from None
    _walk(document, limit)


def _walk(document, limit: int) -> None:
    """Every key and string of the document, without recursion (its depth is the question)."""
    stack = [(document, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        where = f"the body at {_name(path)}" if path else "the body"
        if isinstance(value, str):
            _refuse_text(where, value)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > limit:
            raise _too_deep(where, limit)
        if isinstance(value, list):
            children = [(item, f"{path}[{index}]") for index, item in enumerate(value)]
        else:
            children = []
            for key, item in value.items():
                _refuse_text(f"a key of {where}", key)
                children.append((item, f"{path}.{key}" if path else key))
        stack.extend((item, child, depth + 1) for item, child in reversed(children))
