"""The materials an online applicant uploads: the bundle's own that no electronic certificate
replaces, and an agent's power of attorney; with the files already attached to each."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.bundle import POWER_OF_ATTORNEY, Bundle
from ..window.wording import POWER_OF_ATTORNEY_NAME
from .form import acts_for_someone

FILES_PER_MATERIAL = 10  # pages photographed one by one: enough, and a bound on abuse
FILES_PER_DRAFT = 60
ACCEPTED = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


@dataclass
class Row:
    code: str
    name: str
    in_bundle: bool  # False: the power of attorney, which the bundle itself does not ask
    files: list = field(default_factory=list)

    @property
    def needed_for_agent(self) -> bool:
        return not self.in_bundle


def material_names(bundle: Bundle) -> dict[str, str]:
    """Each material's name by code, the power of attorney's too: for lists of files."""
    return {**{material.code: material.name for material in bundle.materials},
            POWER_OF_ATTORNEY: str(POWER_OF_ATTORNEY_NAME)}


def file_field(code: str) -> str:
    return "file-" + code


def checklist(bundle: Bundle, content: dict, attached) -> list[Row]:
    rows = [Row(material.code, material.name, True)
            for material in bundle.materials if not material.exempt]
    if acts_for_someone(bundle, content):
        rows.append(Row(POWER_OF_ATTORNEY, str(POWER_OF_ATTORNEY_NAME), False))
    by_code = {row.code: row for row in rows}
    for attachment in attached:
        if attachment.material_code in by_code:
            by_code[attachment.material_code].files.append(attachment)
    return rows
