"""What an uploaded file is, judged by its content alone: a PDF, a JPEG or a PNG, or refused.

The declared filename never decides anything; it is only kept (its last path component) to show
back. Pillow and pypdf do the parsing: nothing here reads a file format by hand beyond looking
for the PDF signature, which tells a damaged PDF from a file that is no PDF at all.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

MEBIBYTE = 1024 * 1024
READ_CHUNK = 64 * 1024
# The PDF specification lets the header start anywhere in the first 1024 bytes.
PDF_SIGNATURE, PDF_HEADER_WINDOW = b"%PDF-", 1024


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 10 * MEBIBYTE
    # A 50-megapixel phone photo passes; Pillow's own alarm starts near 89 megapixels.
    max_pixels: int = 50_000_000
    max_pdf_pages: int = 200


class MediaType(StrEnum):
    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[self]


class RefusalReason(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    DAMAGED = "damaged"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_MANY_PAGES = "too_many_pages"
    ENCRYPTED_PDF = "encrypted_pdf"
    INFECTED = "infected"  # a configured virus scanner found something (uploads/scanning.py)


class UploadRefused(ValueError):
    """A file refused: ``reason`` for machines, ``message`` (Chinese) for the form field."""

    def __init__(self, reason: RefusalReason, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Inspected:
    media_type: MediaType
    size: int
    sha256: str
    declared_name: str
    width: int | None = None
    height: int | None = None
    pages: int | None = None


_IMAGE_TYPES = {"JPEG": MediaType.JPEG, "PNG": MediaType.PNG}
SHOWN_NAME_LENGTH = 200  # as attachments.filename holds it
_UNSAFE_NAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def read_within(stream: BinaryIO, limits: UploadLimits) -> bytes:
    """The stream's bytes, refused as too large once past ``limits.max_bytes``: never more
    than one byte beyond the limit is read."""
    chunks, size = [], 0
    while chunk := stream.read(min(READ_CHUNK, limits.max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limits.max_bytes:
            raise _too_large(limits)
    return b"".join(chunks)


def inspect(data: bytes, declared_name: str, limits: UploadLimits) -> Inspected:
    """Decide what ``data`` is by its content, or raise :class:`UploadRefused`.

    The size is checked before any parser sees the bytes.
    """
    if not data:
        raise UploadRefused(RefusalReason.EMPTY, "文件为空")
    if len(data) > limits.max_bytes:
        raise _too_large(limits)
    found = dict(size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                 declared_name=_shown_name(declared_name))
    image = _inspect_image(data, limits)
    if image is not None:
        media_type, (width, height) = image
        return Inspected(media_type, width=width, height=height, **found)
    if PDF_SIGNATURE in data[:PDF_HEADER_WINDOW]:
        return Inspected(MediaType.PDF, pages=_count_pdf_pages(data, limits), **found)
    raise UploadRefused(RefusalReason.UNSUPPORTED_TYPE, "只接受 PDF、JPEG 或 PNG 文件")


def _inspect_image(data: bytes, limits: UploadLimits) -> tuple[MediaType, tuple[int, int]] | None:
    """The image's type and size, None when Pillow sees no JPEG or PNG in it."""
    too_many_pixels = UploadRefused(RefusalReason.TOO_MANY_PIXELS,
                                    f"图片像素过多（上限 {limits.max_pixels / 10_000:g} 万像素）")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # formats=: no other of Pillow's decoders ever sees an upload.
            with Image.open(io.BytesIO(data), formats=tuple(_IMAGE_TYPES)) as image:
                if image.format not in _IMAGE_TYPES:
                    return None
                if image.width * image.height > limits.max_pixels:
                    raise too_many_pixels
                image.verify()
                media_type, size = _IMAGE_TYPES[image.format], image.size
            if media_type is MediaType.JPEG:
                _decode_jpeg_scaled_down(data)
            return media_type, size
        except UnidentifiedImageError:
            return None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels from None
        except UploadRefused:
            raise
        # Any failure of the decoder on untrusted bytes is a damaged file, whatever its class.
        except Exception:
            raise _damaged() from None


def _decode_jpeg_scaled_down(data: bytes) -> None:
    """Decode the whole JPEG at the smallest scale its decoder offers (an eighth): verify()
    reads no JPEG data, and a truncated photo would only fail when the clerk opens it."""
    with Image.open(io.BytesIO(data), formats=("JPEG",)) as image:
        image.draft(image.mode, (1, 1))
        image.load()


def _count_pdf_pages(data: bytes, limits: UploadLimits) -> int:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UploadRefused(RefusalReason.ENCRYPTED_PDF, "PDF 已加密，无法审查")
        pages = len(reader.pages)
    except UploadRefused:
        raise
    # As for images: whatever the parser raises on untrusted bytes, the file is damaged.
    except Exception:
        raise _damaged() from None
    if pages > limits.max_pdf_pages:
        raise UploadRefused(RefusalReason.TOO_MANY_PAGES,
                            f"PDF 页数过多（上限 {limits.max_pdf_pages} 页）")
    if pages == 0:
        raise _damaged()
    return pages


def _too_large(limits: UploadLimits) -> UploadRefused:
    return UploadRefused(RefusalReason.TOO_LARGE,
                         f"文件过大（上限 {limits.max_bytes / MEBIBYTE:g} MB）")


def _damaged() -> UploadRefused:
    return UploadRefused(RefusalReason.DAMAGED, "文件已损坏，无法打开")


def _shown_name(declared_name: str) -> str:
    """The last component of the name the browser sent, without control characters."""
    last = re.split(r"[\\/]", declared_name or "")[-1]
    return _UNSAFE_NAME_CHARACTERS.sub("", last)[:SHOWN_NAME_LENGTH]
