"""Identity of imported records: business-id keys, content fingerprints, and the on-disk
set of keys already seen during one import.

Log tables (decisions, escalation logs, risk assessments, failure reports, events) have no
business id. A record of one of them is identified by a fingerprint of all its column values
(everything but the surrogate `id`), computed the same way from a parsed legacy record and
from a row read back from the database. So nothing needs storing: a re-run, or an import of
an `export-legacy` directory into the database it came from, finds every row already there.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from arcadia_core.db.types import storable_text

KEY_SIZE = 16


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return "@" + moment.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def fingerprint(table: str, columns: Sequence[str], row: Mapping[str, Any]) -> bytes:
    """A 16-byte digest of `row`'s values for `columns` (JSON values compared canonically)."""
    text = json.dumps(
        [table, *(_canonical(row[name]) for name in columns)],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    # Hashed as stored: a lone surrogate (a "\ud800" escape in a legacy JSON file) is kept in
    # a JSON column but becomes U+FFFD in a text one, so both forms must give one key.
    return hashlib.blake2b(storable_text(text).encode(), digest_size=KEY_SIZE).digest()


def id_key(table: str, business_id: object) -> bytes:
    """The key of the record of `table` whose business id is `business_id`."""
    text = f"{table}\x00{business_id}"
    data = storable_text(text).encode()
    return hashlib.blake2b(data, digest_size=KEY_SIZE, person=b"id").digest()


class SeenStore:
    """Keys seen in this import, each with where it came from and an optional state.

    Lives in a scratch SQLite file (not in memory) so a million keys cost disk, not RAM.
    `origin` is `"database"` for rows that existed before the import, else `path:line`.
    """

    def __init__(self, directory: Path) -> None:
        self._connection = sqlite3.connect(directory / "seen.db", isolation_level=None)
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "temp_store = FILE",
            "cache_size = -16384",
        ):
            self._connection.execute(f"PRAGMA {pragma}")
        self._connection.execute(
            "CREATE TABLE seen (key BLOB PRIMARY KEY, origin TEXT NOT NULL, state TEXT)"
            " WITHOUT ROWID"
        )
        self._connection.execute("BEGIN")

    def lookup(self, keys: Sequence[bytes]) -> dict[bytes, tuple[str, str | None]]:
        """The known keys among `keys`, with their origin and state."""
        found: dict[bytes, tuple[str, str | None]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, origin, state in self._connection.execute(
                f"SELECT key, origin, state FROM seen WHERE key IN ({marks})", chunk
            ):
                found[key] = (origin, state)
        return found

    def get(self, key: bytes) -> tuple[str, str | None] | None:
        row = self._connection.execute(
            "SELECT origin, state FROM seen WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def add(self, entries: Iterable[tuple[bytes, str, str | None]]) -> None:
        """Remember keys (the first origin of a key wins)."""
        self._connection.executemany(
            "INSERT OR IGNORE INTO seen (key, origin, state) VALUES (?, ?, ?)", entries
        )

    def claim(self, entries: Iterable[tuple[str, bytes]]) -> None:
        """Mark keys that were in the database as seen now (so a later copy is a duplicate)."""
        self._connection.executemany(
            "UPDATE seen SET origin = ? WHERE key = ? AND origin = 'database'", entries
        )

    def set_state(self, key: bytes, state: str | None) -> None:
        self._connection.execute("UPDATE seen SET state = ? WHERE key = ?", (state, key))

    def close(self) -> None:
        self._connection.close()
