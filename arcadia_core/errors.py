"""Errors that cross the core boundary, each with a short title and a human message."""

from __future__ import annotations


class ArcadiaError(Exception):
    """Base class: `message` is one human sentence, `title` a short heading for UIs."""

    title = "Arcadia error"

    def __init__(self, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class NotFound(ArcadiaError):
    """A record looked up by id does not exist."""

    title = "Not found"


class Conflict(ArcadiaError):
    """Someone else changed the record first (for example, answered the point)."""

    title = "Conflict"


class InvalidTransition(ArcadiaError):
    """A state change that the record's current state does not allow."""

    title = "Not allowed"


class InvalidInput(ArcadiaError):
    """A value supplied by a person or a caller is out of range or malformed."""

    title = "Invalid input"


class DatabaseError(ArcadiaError):
    """The project database cannot be opened or used."""

    title = "Database error"


class DatabaseLocked(DatabaseError):
    """Another process held the database for longer than the busy timeout."""

    title = "Database locked"


class SchemaTooNew(DatabaseError):
    """The database was written by a newer Arcadia; we refuse to touch it."""

    title = "Database too new"


class NotADatabase(DatabaseError):
    """The file at the database path is not an SQLite database."""

    title = "Not a database"


class LegacyImportError(ArcadiaError):
    """A legacy dot-directory record could not be imported."""

    title = "Legacy import error"
