from flask import Blueprint

from ..access.phone_sessions import current_phone
from ..engine.identifiers import mask_phone

bp = Blueprint("online", __name__, url_prefix="/apply", template_folder="templates")


@bp.context_processor
def shared() -> dict:
    from .materials import ACCEPTED, file_field

    phone = current_phone()
    return {"applicant_phone": mask_phone(phone) if phone else None,
            "file_field": file_field, "accepted": ACCEPTED}
