"""Uploaded materials: judged by content, stored outside the database, attached to drafts and
applications."""

from pathlib import Path


def init_app(app, api) -> None:
    from . import models, operations  # noqa: F401  (the attachments table)
    from .scanning import NoScanner
    from .storage import FilesystemStore

    directory = app.config["UPLOAD_DIR"]
    app.extensions["upload_store"] = (FilesystemStore(Path(directory)) if directory
                                      else FilesystemStore.in_instance_folder(app.instance_path))
    app.extensions["virus_scanner"] = NoScanner()  # until a real scanner is configured
    operations.init_app(app)
