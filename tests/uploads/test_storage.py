import hashlib
import os

import pytest

from service.uploads.inspection import UploadLimits, inspect
from service.uploads.storage import FilesystemStore, NotStored
from tests.uploads import files


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def store(tmp_path) -> FilesystemStore:
    return FilesystemStore(tmp_path / "uploads")


def stored_files(store: FilesystemStore) -> list[str]:
    return sorted(str(path.relative_to(store.root)) for path in store.root.rglob("*")
                  if path.is_file())


def test_put_open_exists_delete(store):
    data = files.pdf(pages=2)
    key = store.put(digest_of(data), data)
    assert store.exists(key)
    with store.open(key) as stored:
        assert stored.read() == data
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(NotStored):
        store.open(key)
    store.delete(key)


def test_files_fan_out_by_their_digest_in_the_configured_directory(store):
    data = files.png()
    digest = digest_of(data)
    store.put(digest, data)
    assert stored_files(store) == [f"{digest[:2]}/{digest[2:4]}/{digest}"]


def test_the_default_directory_is_the_instance_folder_s_uploads(tmp_path):
    assert FilesystemStore.in_instance_folder(tmp_path).root == tmp_path / "uploads"


def test_the_same_content_is_stored_once_under_one_key(store):
    data = files.jpeg()
    first = inspect(data, "身份证正面.jpg", UploadLimits())
    second = inspect(data, "../../copy.png", UploadLimits())
    keys = {store.put(found.sha256, data) for found in (first, second)}
    assert len(keys) == 1
    assert len(stored_files(store)) == 1


def test_a_key_is_a_digest_and_nothing_else(store):
    data = b"%PDF-"
    for hostile in ("../../etc/passwd", "/etc/passwd", "证明.pdf", digest_of(data).upper(),
                    digest_of(data) + "/..", ""):
        with pytest.raises(ValueError):
            store.put(hostile, data)
        with pytest.raises(ValueError):
            store.open(hostile)
        with pytest.raises(ValueError):
            store.delete(hostile)
        with pytest.raises(ValueError):
            store.exists(hostile)
    assert not store.root.exists()


def test_a_digest_that_is_not_the_data_s_is_refused(store):
    with pytest.raises(ValueError):
        store.put(digest_of(b"one"), b"other")
    assert not store.root.exists()


def test_a_failed_write_leaves_no_file_behind(store, monkeypatch):
    data = files.png()
    digest = digest_of(data)

    def disk_gone(source, target):
        raise OSError("simulated failure at the rename")

    monkeypatch.setattr(os, "replace", disk_gone)
    with pytest.raises(OSError, match="simulated"):
        store.put(digest, data)
    assert not store.exists(digest)
    assert stored_files(store) == []
    monkeypatch.undo()
    assert store.put(digest, data) == digest
    assert stored_files(store) == [f"{digest[:2]}/{digest[2:4]}/{digest}"]
