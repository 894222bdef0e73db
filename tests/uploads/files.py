"""Real files of each kind, made by the same libraries that judge them."""

import io
import os

from PIL import Image
from pypdf import PdfWriter


def png(width: int = 40, height: int = 30, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    # The fastest zlib level: the bomb of the tests is 400 megapixels to compress.
    Image.new(mode, (width, height), color=0).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def jpeg(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color=(200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf(pages: int = 1, user_password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password is not None:
        # RC4: pypdf writes it without the optional cryptography package.
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def noisy_png(width: int, height: int) -> bytes:
    """A PNG that compresses as badly as a photograph: random pixels, about 3 bytes each."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(
        buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
