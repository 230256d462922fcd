"""The files of an LMS or hub export, from a zip or a folder, read-only and checked for escaping paths.

A `Source` lists relative POSIX paths and reads their bytes; it never writes. A zip
whose entries are absolute or climb out (`../`) is refused as a whole, and so is an
empty one; hidden files and folders (`.ipynb_checkpoints`) and links are left out.
"""
from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

MAX_BYTES = 20 << 20  # as the grader reads at most


class BadSource(ValueError):
    """An export that cannot be collected from; the message says why in one line."""


class Source:
    """The notebooks of an export: {relative path: a function returning its bytes}."""

    def __init__(self, where: Path):
        self.where = where
        if not where.exists():
            raise BadSource(f"{where} does not exist")
        self.files = self._zip(where) if where.is_file() else self._folder(where)
        if not self.files:
            raise BadSource(f"{where} holds no notebooks (.ipynb)")

    @staticmethod
    def _visible(path: PurePosixPath) -> bool:
        """Say whether a path is a notebook outside hidden folders (and macOS zip clutter)."""
        return path.suffix == ".ipynb" and not any(part.startswith((".", "__MACOSX")) for part in path.parts)

    def _zip(self, path: Path) -> dict:
        """Return the zip's notebooks, or raise BadSource for an unreadable, empty or escaping zip."""
        try:
            archive = zipfile.ZipFile(path)
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise BadSource(f"{path} is not a readable zip ({exc})") from None
        if not infos:
            raise BadSource(f"{path} is an empty zip")
        files = {}
        for info in infos:
            name = PurePosixPath(info.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts or ":" in info.filename:
                raise BadSource(f"{path} has a path that escapes its folder ({info.filename!r}); not collecting from it")
            if not info.is_dir() and self._visible(name):
                files[str(name)] = (lambda i=info: self._read_member(archive, i))
        return files

    @staticmethod
    def _read_member(archive, info) -> bytes:
        """Return one member's bytes, refusing one larger than the grader reads."""
        if info.file_size > MAX_BYTES:
            raise BadSource(f"{info.filename} is larger than {MAX_BYTES >> 20} MB")
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # a damaged member
            raise BadSource(f"{info.filename} cannot be read from the zip ({exc})") from None

    def _folder(self, root: Path) -> dict:
        """Return the folder's notebooks, links and hidden folders left out."""
        files = {}
        for path in sorted(root.rglob("*.ipynb")):
            relative = PurePosixPath(path.relative_to(root).as_posix())
            if self._visible(relative) and path.is_file() and not _linked(path, root):
                files[str(relative)] = path.read_bytes
        return files


def _linked(path: Path, root: Path) -> bool:
    """Say whether path, or a folder between root and it, is a symbolic link (never followed)."""
    while path != root:
        if path.is_symlink():
            return True
        path = path.parent
    return False
