"""Bundles drafted in the browser: a new bundle or the next version of one, written as YAML in the
``workflows/`` format (by hand or through the structured form, which writes the same text),
checked against the stored catalog by the same rules as ``flask catalog check``, and published
as an immutable version only when nothing is wrong. Only flushes; the caller commits."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit.acts import Action, record_act
from ..core.database import db
from ..core.problems import Missing
from .canonical import bundle_entry, bundle_file, dump
from .definitions import Catalog, CatalogInvalid, Problem
from .models import Bundle, BundleDraft, BundleVersion, VersionSource
from .operations import find_version
from .schemas import CODE, CODE_LENGTH
from .store import resolve_stored

PROMPTS_LENGTH = 500  # BundleDraft.prompted_by


class DraftNotFound(Missing):
    what = "draft"


class DraftRefused(ValueError):
    """A draft that cannot be started, saved or published as asked, and why."""


class DraftChanged(DraftRefused):
    """Someone saved the draft since this revision was read."""


class NothingToPublish(DraftRefused):
    """The draft says what the latest version says."""


@dataclass(frozen=True)
class DraftProblem:
    path: str
    message: str
    line: int | None  # in the draft's text, where the path leads; None: elsewhere


@dataclass
class DraftCheck:
    problems: list[DraftProblem]
    latest: BundleVersion | None  # the bundle's latest published version; None: a new bundle
    snapshot: dict | None = None  # the version publishing would make; None while wrong
    digest: str | None = None

    @property
    def unchanged(self) -> bool:
        """Says what the latest version says: nothing to publish."""
        return self.latest is not None and self.latest.digest == self.digest

    @property
    def publishable(self) -> bool:
        return self.snapshot is not None and not self.unchanged


def list_drafts() -> list[BundleDraft]:
    return list(db.session.scalars(select(BundleDraft).order_by(BundleDraft.bundle_code)))


def open_draft(code: str) -> BundleDraft | None:
    return db.session.scalar(select(BundleDraft).where(BundleDraft.bundle_code == code))


def find_draft(code: str) -> BundleDraft:
    draft = open_draft(code)
    if draft is None:
        raise DraftNotFound(code)
    return draft


def start_draft(code: str, user_id: int | None, name: str = "",
                prompted_by: str | None = None) -> BundleDraft:
    """The draft of bundle ``code``: the one already open, or a new one holding its latest
    version (or, for a new bundle, the outline of one named ``name``)."""
    # None from _new_draft: another administrator's first draft of it, at the same moment.
    draft = open_draft(code) or _new_draft(code, user_id, name, prompted_by) or find_draft(code)
    if prompted_by and prompted_by not in (draft.prompted_by or "").split(", "):
        prompts = ", ".join(filter(None, [draft.prompted_by, prompted_by]))
        if len(prompts) <= PROMPTS_LENGTH:  # past that, the draft lists the first ones
            draft.prompted_by = prompts
    return draft


def _new_draft(code: str, user_id: int | None, name: str, prompted_by: str | None
               ) -> BundleDraft | None:
    latest = find_version(code)
    if latest is None:
        if not re.match(CODE.regex, code) or len(code) > CODE_LENGTH:
            raise DraftRefused(f"{code!r} is not a bundle code: {CODE.error} "
                               f"({CODE_LENGTH} characters at most)")
        text = dump({"bundles": [{"code": code, "name": name or code, "audience": "person",
                                  "categories": [], "limits": {"committed": 1,
                                                               "unit": "working_days"},
                                  "items": []}]})
    else:
        text = dump({"bundles": [bundle_entry(latest.definition)]})
    draft = BundleDraft(bundle_code=code, text=text, prompted_by=prompted_by,
                        created_by_id=user_id, updated_by_id=user_id)
    try:
        with db.session.begin_nested():
            db.session.add(draft)
    except IntegrityError:
        return None
    record_act(Action.DRAFT_STARTED, code, {"from_version": latest and latest.version,
                                            "prompted_by": prompted_by}, user_id=user_id)
    return draft


def save_draft(draft: BundleDraft, text: str, revision: int, user_id: int | None) -> None:
    """Keep the text as typed, valid or not: checking is a separate step."""
    _same_revision(draft, revision)
    if "\x00" in text:
        raise DraftRefused("the text holds a NUL character, which YAML does not allow")
    draft.text = text
    draft.updated_by_id = user_id
    db.session.flush()
    record_act(Action.DRAFT_SAVED, draft.bundle_code, {"revision": draft.revision,
                                                       **_text_digest(text)}, user_id=user_id)


def discard_draft(draft: BundleDraft, revision: int, user_id: int | None = None) -> None:
    """Drop the draft (``user_id``: who; None for the system)."""
    _same_revision(draft, revision)
    db.session.delete(draft)
    db.session.flush()
    record_act(Action.DRAFT_DISCARDED, draft.bundle_code,
               {"revision": revision, **_text_digest(draft.text)}, user_id=user_id)


def _text_digest(text: str) -> dict:
    """What an act records of a draft's text: enough to tell two texts apart."""
    return {"text_sha256": hashlib.sha256(text.encode()).hexdigest()}


def check_draft(draft: BundleDraft) -> DraftCheck:
    """Every problem of the draft, each at the line of its text it names."""
    code, text = draft.bundle_code, draft.text
    latest = find_version(code)
    problems = [DraftProblem(path, message, locate(text, path))
                for path, message in _shape_problems(code, text)]
    if problems:
        return DraftCheck(problems, latest)
    try:
        catalog = resolve_stored({bundle_file(code): text})
    except CatalogInvalid as invalid:
        return DraftCheck([_located(problem, code, text) for problem in invalid.problems],
                          latest)
    snapshot = catalog.bundles[code]
    return DraftCheck([], latest, snapshot, Catalog.digest(snapshot))


def publish_draft(draft: BundleDraft, revision: int, user_id: int | None = None
                  ) -> BundleVersion:
    """The draft's bundle as a new immutable version; the draft is gone. ``user_id``: who
    publishes it (None for the system).

    Raises:
        DraftRefused: the draft has problems, says what the latest version says, or was saved
            since ``revision``.
    """
    _same_revision(draft, revision)
    check = check_draft(draft)
    if check.problems:
        raise DraftRefused(f"the draft has {len(check.problems)} problem(s): check it first")
    if check.unchanged:
        raise NothingToPublish("the draft says what the latest version says: nothing to publish")
    code = draft.bundle_code
    bundle = db.session.get(Bundle, code)
    if bundle is None:
        bundle = Bundle(code=code, name=check.snapshot["name"], latest_version=0)
        db.session.add(bundle)
    bundle.name = check.snapshot["name"]
    bundle.latest_version += 1
    version = BundleVersion(bundle_code=code, version=bundle.latest_version, digest=check.digest,
                            definition=check.snapshot, source=VersionSource.BROWSER)
    db.session.add(version)
    db.session.delete(draft)
    db.session.flush()
    record_act(Action.VERSION_PUBLISHED, code, {"version": version.version,
                                                "digest": version.digest,
                                                "source": VersionSource.BROWSER.value},
               user_id=user_id)
    return version


def _same_revision(draft: BundleDraft, revision: int) -> None:
    if draft.revision != revision:
        raise DraftChanged(f"the draft was saved again since revision {revision} (it is at "
                           f"{draft.revision}): reload it and make the change again")


def _shape_problems(code: str, text: str) -> list[tuple[str, str]]:
    """What a draft must be besides a valid definition: one bundle, this one, and nothing else
    (items and departments are edited on their own pages)."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return []  # read_catalog reports it, with its line
    if not isinstance(document, dict):
        return []
    problems = [(str(section), "a draft holds its bundle only: edit items and departments on "
                 "their own pages") for section in document if section != "bundles"]
    listed = document.get("bundles")
    if not isinstance(listed, list) or len(listed) != 1:
        problems.append(("bundles", "a draft holds exactly one bundle"))
    elif isinstance(listed[0], dict) and listed[0].get("code") != code:
        problems.append(("bundles[0].code", f"a draft of {code!r} keeps its code"))
    return problems


def _located(problem: Problem, code: str, text: str) -> DraftProblem:
    if problem.file == bundle_file(code):
        line = locate(text, problem.path) if problem.path else _yaml_error_line(problem.message)
        return DraftProblem(problem.path, problem.message, line)
    return DraftProblem(f"{problem.file}: {problem.path}", problem.message, None)


_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def locate(text: str, path: str) -> int | None:
    """The line (from 1) of ``text`` where a path such as ``bundles[0].items[2].after`` leads,
    or as near as it gets where the path names something absent."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line
    for name, index in _SEGMENT.findall(path):
        if isinstance(node, yaml.MappingNode) and name:
            found = next((value for key, value in node.value if key.value == name), None)
            if found is None:
                return line + 1
            line = next(key for key, value in node.value if value is found).start_mark.line
            node = found
        elif isinstance(node, yaml.SequenceNode) and index and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _yaml_error_line(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None
