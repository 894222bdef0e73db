"""Where uploaded bytes are kept: outside the database, each file under its SHA-256 digest.

The key of a file is its digest, so the same content is stored once and no name a user sends
ever reaches a path. Because content is shared, a caller deletes a key only when no record
refers to it any more.

An S3-compatible store implements :class:`UploadStore` the same way: ``put`` uploads to the
object key ``<d[:2]>/<d[2:4]>/<d>`` of a private bucket (skipping it when a HEAD finds the
object; a PUT is atomic there, no temporary object needed) and returns the digest; ``open``
answers the GetObject body as a stream (NoSuchKey → :class:`NotStored`); ``delete`` is
DeleteObject (no error when absent); ``exists`` is HeadObject. The bucket is never public:
files are served through the application, which checks who may see them.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

_DIGEST = re.compile(r"[0-9a-f]{64}")


class NotStored(LookupError):
    """No file is stored under this key."""


class UploadStore(Protocol):
    def put(self, digest: str, data: bytes) -> str:
        """Keep ``data`` (whose SHA-256 hex digest is ``digest``); return its key."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes as a stream to read (and close); :class:`NotStored` if absent."""

    def delete(self, key: str) -> None:
        """Forget the file; nothing happens when it is absent."""

    def exists(self, key: str) -> bool: ...


class FilesystemStore:
    """Files under ``root/ab/cd/abcd…`` (two levels of fan-out), each written to a temporary
    file in its final directory, flushed, then renamed into place: a reader sees the whole file
    or none. The routes root it at the instance folder's ``uploads/``
    (:meth:`in_instance_folder`)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    @classmethod
    def in_instance_folder(cls, instance_path: str | os.PathLike[str]) -> FilesystemStore:
        return cls(Path(instance_path) / "uploads")

    def put(self, digest: str, data: bytes) -> str:
        path = self._path_of(digest)
        if hashlib.sha256(data).hexdigest() != digest:
            raise ValueError("the digest is not the SHA-256 of the data")
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _sync_directory(path.parent)
        return digest

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path_of(key).open("rb")
        except FileNotFoundError:
            raise NotStored(key) from None

    def delete(self, key: str) -> None:
        self._path_of(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path_of(key).is_file()

    def _path_of(self, key: str) -> Path:
        if not isinstance(key, str) or not _DIGEST.fullmatch(key):
            raise ValueError("a key is a SHA-256 hex digest")
        return self.root / key[:2] / key[2:4] / key


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable: a crash after put() returns keeps the file."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
