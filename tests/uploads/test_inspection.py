import hashlib
import io
import random

import pytest
from PIL import Image

from service.uploads.inspection import (
    MEBIBYTE,
    MediaType,
    RefusalReason,
    UploadLimits,
    UploadRefused,
    inspect,
    read_within,
)
from tests.uploads import files

LIMITS = UploadLimits()


def refusal(data: bytes, limits: UploadLimits = LIMITS, name: str = "材料") -> UploadRefused:
    with pytest.raises(UploadRefused) as caught:
        inspect(data, name, limits)
    return caught.value


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """20000 × 20000 pixels of 1 bit: 400 megapixels in a few tens of kilobytes."""
    return files.png(20_000, 20_000, mode="1")


def test_a_png_is_a_png_with_its_size_and_digest():
    data = files.png(40, 30)
    found = inspect(data, "营业执照.png", LIMITS)
    assert found.media_type is MediaType.PNG
    assert (found.width, found.height, found.pages) == (40, 30, None)
    assert found.size == len(data)
    assert found.sha256 == hashlib.sha256(data).hexdigest()
    assert found.declared_name == "营业执照.png"


def test_a_jpeg_is_a_jpeg():
    found = inspect(files.jpeg(64, 48), "照片.jpeg", LIMITS)
    assert (found.media_type, found.width, found.height) == (MediaType.JPEG, 64, 48)
    assert found.media_type.extension == ".jpg"


def test_a_pdf_is_a_pdf_with_its_pages():
    found = inspect(files.pdf(pages=3), "申请书.pdf", LIMITS)
    assert (found.media_type, found.pages, found.width) == (MediaType.PDF, 3, None)


def test_the_content_decides_not_the_name():
    assert inspect(files.png(), "scan.pdf", LIMITS).media_type is MediaType.PNG
    assert inspect(files.pdf(), "photo.jpg", LIMITS).media_type is MediaType.PDF


def test_only_the_last_component_of_the_name_is_kept():
    found = inspect(files.png(), "C:\\Users\\张三\\..\\证明\x00.png", LIMITS)
    assert found.declared_name == "证明.png"
    assert inspect(files.png(), "../../etc/passwd", LIMITS).declared_name == "passwd"


def test_random_bytes_are_refused():
    data = random.Random(21).randbytes(4096)
    refused = refusal(data, name="random.pdf")
    assert refused.reason is RefusalReason.UNSUPPORTED_TYPE
    assert refused.message == "只接受 PDF、JPEG 或 PNG 文件"


@pytest.mark.parametrize("make", [
    lambda: b"GIF89a" + bytes(64),
    lambda: b"<html><script>alert(1)</script></html>",
    lambda: b"PK\x03\x04" + bytes(100),
])
def test_other_kinds_of_content_are_refused(make):
    assert refusal(make()).reason is RefusalReason.UNSUPPORTED_TYPE


def test_an_other_image_format_is_refused_though_pillow_reads_it():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="GIF")
    assert refusal(buffer.getvalue(), name="a.png").reason is RefusalReason.UNSUPPORTED_TYPE


def test_an_empty_file_is_refused():
    assert refusal(b"").reason is RefusalReason.EMPTY


def test_an_oversized_file_is_refused_by_its_size_before_any_parsing():
    limits = UploadLimits(max_bytes=1000)
    # Garbage would be refused as an unsupported type if the parsers ever saw it.
    refused = refusal(random.Random(1).randbytes(1001), limits)
    assert refused.reason is RefusalReason.TOO_LARGE
    assert refusal(files.pdf(pages=40), limits).reason is RefusalReason.TOO_LARGE
    assert inspect(files.png(), "a.png", limits).size <= 1000


def test_the_size_message_names_the_limit():
    assert refusal(bytes(10 * MEBIBYTE + 1)).message == "文件过大（上限 10 MB）"


class EndlessZeros(io.RawIOBase):
    def __init__(self):
        self.handed_out = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = bytes(len(buffer))
        self.handed_out += len(buffer)
        return len(buffer)


def test_a_stream_is_read_no_further_than_the_limit():
    stream = EndlessZeros()
    with pytest.raises(UploadRefused) as caught:
        read_within(stream, UploadLimits(max_bytes=100_000))
    assert caught.value.reason is RefusalReason.TOO_LARGE
    assert stream.handed_out == 100_001


def test_a_stream_within_the_limit_is_read_whole():
    data = files.pdf(pages=2)
    assert read_within(io.BytesIO(data), UploadLimits(max_bytes=len(data))) == data


def test_a_decompression_bomb_is_refused(bomb):
    assert len(bomb) < 1 * MEBIBYTE
    refused = refusal(bomb, name="bomb.png")
    assert refused.reason is RefusalReason.TOO_MANY_PIXELS
    assert refused.message.startswith("图片像素过多")


def test_pillow_s_own_alarm_refuses_even_past_a_generous_limit(bomb):
    """Pillow raises past twice its MAX_IMAGE_PIXELS whatever our limit says."""
    assert refusal(bomb, UploadLimits(max_pixels=10**12)).reason is RefusalReason.TOO_MANY_PIXELS


def test_pillow_s_warning_becomes_a_refusal():
    """10000 × 10000 lies between Pillow's warning (89 Mpx) and its error (179 Mpx)."""
    data = files.png(10_000, 10_000, mode="1")
    assert refusal(data, UploadLimits(max_pixels=10**12)).reason is RefusalReason.TOO_MANY_PIXELS


def test_the_configured_pixel_limit_refuses_a_modest_image():
    limits = UploadLimits(max_pixels=1000)
    assert refusal(files.jpeg(40, 30), limits).reason is RefusalReason.TOO_MANY_PIXELS
    assert inspect(files.jpeg(40, 25), "a.jpg", limits).media_type is MediaType.JPEG


def test_a_pdf_with_too_many_pages_is_refused():
    limits = UploadLimits(max_pdf_pages=5)
    assert inspect(files.pdf(pages=5), "a.pdf", limits).pages == 5
    refused = refusal(files.pdf(pages=6), limits)
    assert (refused.reason, refused.message) == (
        RefusalReason.TOO_MANY_PAGES, "PDF 页数过多（上限 5 页）")


def test_an_encrypted_pdf_is_refused():
    refused = refusal(files.pdf(user_password="秘密"))
    assert refused.reason is RefusalReason.ENCRYPTED_PDF
    assert refused.message == "PDF 已加密，无法审查"


def test_a_pdf_readable_without_password_but_encrypted_is_refused_all_the_same():
    assert refusal(files.pdf(user_password="")).reason is RefusalReason.ENCRYPTED_PDF


@pytest.mark.parametrize("make", [files.png, files.jpeg, files.pdf])
def test_a_truncated_file_of_each_kind_is_damaged(make):
    data = make()
    refused = refusal(data[: len(data) // 2])
    assert (refused.reason, refused.message) == (RefusalReason.DAMAGED, "文件已损坏，无法打开")


def test_a_png_with_its_image_data_overwritten_is_damaged():
    data = files.png()
    noisy = data[:60] + random.Random(3).randbytes(len(data) - 60)
    assert refusal(noisy).reason is RefusalReason.DAMAGED


def test_a_pdf_header_on_anything_else_is_damaged():
    assert refusal(b"%PDF-1.7\n" + random.Random(4).randbytes(500)).reason is RefusalReason.DAMAGED
