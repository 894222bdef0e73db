"""The staff pages' blueprint (templates and filters only, no routes), today and paging."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, request

from ..core.database import utcnow
from ..engine import identifiers
from ..engine.calendar import SHANGHAI, WorkingCalendar, local_date
from ..engine.states import ApplicantKind
from ..workdays.operations import calendar_around

bp = Blueprint("staff", __name__, template_folder="templates")

PAGE_SIZE = 20
MAX_PAGE = 10_000  # far past any list; keeps OFFSET bounded


def today() -> date:
    return local_date(utcnow())


def calendar() -> WorkingCalendar:
    return calendar_around(today())


@dataclass(frozen=True)
class Paging:
    page: int
    size: int
    total: int = 0

    @classmethod
    def from_request(cls, size: int = PAGE_SIZE) -> Paging:
        page = request.args.get("page", "1")
        number = int(page) if page.isdigit() else 1
        return cls(min(max(number, 1), MAX_PAGE), size)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def of(self, total: int) -> Paging:
        return Paging(self.page, self.size, total)

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.size), 1)


@bp.app_template_filter("local_date")
def _local_date(instant):
    return local_date(instant)


@bp.app_template_filter("datetime_short")
def _datetime_short(instant):
    """2026-11-29 17:05, in Beijing time."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if instant else ""


@bp.app_template_filter("mask_phone")
def _mask_phone(number):
    return identifiers.mask_phone(number)


@bp.app_template_filter("mask_applicant")
def _mask_applicant(name, kind):
    """A person's name masked; a company's name is public."""
    return identifiers.mask_name(name) if kind == ApplicantKind.PERSON else name
