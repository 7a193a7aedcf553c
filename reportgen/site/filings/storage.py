"""Files on disk, below one storage root (settings.STORAGE_ROOT); the database holds paths
relative to it. User file names never become paths here."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


def root() -> Path:
    return Path(settings.STORAGE_ROOT)


def path(relpath: str) -> Path:
    full = (root() / relpath).resolve()
    if root().resolve() not in full.parents:
        raise ValueError(f"outside the storage root: {relpath}")
    return full


def store(file) -> tuple[str, int]:
    """An uploaded file written once under its SHA-256 (atomically); (sha256, size)."""
    digest = hashlib.sha256()
    folder = root() / "inputs" / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as out:
        file.seek(0)
        for chunk in file.chunks():
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    sha = digest.hexdigest()
    target = root() / "inputs" / sha[:2] / sha
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        os.unlink(out.name)
    else:
        os.replace(out.name, target)
        os.chmod(target, 0o440)
    return sha, size


def work_folder(kind: str, ident: int) -> Path:
    """A fresh, empty folder for a check, build or summary (builds/<id>, …): a task run again
    after a stop starts from nothing."""
    import shutil

    folder = root() / kind / str(ident)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
