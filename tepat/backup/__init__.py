"""Backup and restore of one installation: the database (a consistent copy) and every file under
$TEPAT_HOME, in one tar.gz with a manifest of sha256 checksums (docs/operations.md#backup)."""

from __future__ import annotations


class BackupError(Exception):
    """A refused or failed backup/restore: a stable `code` and a message in Indonesian / English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.args[0]}"
