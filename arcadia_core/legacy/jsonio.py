"""Reading legacy files without trusting them: JSONL streamed line by line, JSON documents
with the line of each record, CSV rows; every fault becomes a `(line, reason)`.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Fault:
    """Why a line (or a whole file, line 1 or None) could not be read."""

    line: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Item:
    """One record read from a file: its line, the decoded value and the id it was keyed by."""

    line: int
    record: Any
    key: str | None = None


def iter_jsonl(path: Path) -> Iterator[Item | Fault]:
    """Yield each non-blank line of a JSONL file as an `Item`, or a `Fault` saying why not.

    Reads one line at a time (memory stays bounded); blank lines are not records.
    """
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield Fault(number, f"invalid UTF-8 (byte {error.start + 1} of the line)")
                continue
            if number == 1:
                text = text.removeprefix(BOM)
            if not text.strip():
                continue
            try:
                yield Item(number, json.loads(text.rstrip("\r\n")))
            except json.JSONDecodeError as error:
                if not raw.endswith(b"\n"):
                    yield Fault(
                        number,
                        f"truncated last line (no newline at end of file; "
                        f"column {error.colno}: {error.msg})",
                    )
                else:
                    yield Fault(number, f"malformed JSON (column {error.colno}): {error.msg}")
            except RecursionError:
                yield Fault(number, "malformed JSON: nested too deeply")


def _line_of(newlines: list[int], offset: int) -> int:
    return bisect.bisect_right(newlines, offset - 1) + 1 if newlines else 1


def read_text(path: Path) -> str | Fault:
    """A whole small file as text, or a `Fault` for invalid UTF-8 or an empty file."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return Fault(line, f"invalid UTF-8 at column {column}; file skipped")
    if not text.strip():
        return Fault(1, "empty file")
    return text


def read_json(path: Path) -> tuple[Any, str] | Fault:
    """A whole JSON document and its text, or a `Fault` with the line of the syntax error."""
    text = read_text(path)
    if isinstance(text, Fault):
        return text
    try:
        return json.loads(text), text
    except json.JSONDecodeError as error:
        return Fault(error.lineno, f"malformed JSON (column {error.colno}): {error.msg}")
    except RecursionError:
        return Fault(1, "malformed JSON: nested too deeply")


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    assert match is not None
    return match.end()


def _array_offsets(text: str, index: int) -> tuple[list[int], int]:
    offsets: list[int] = []
    index = _skip(text, index + 1)
    if text[index] == "]":
        return offsets, index + 1
    while True:
        offsets.append(index)
        _, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == ",":
            index = _skip(text, index + 1)
            continue
        return offsets, index + 1


def _object_offsets(text: str, index: int) -> dict[str, tuple[int, list[int] | None]]:
    members: dict[str, tuple[int, list[int] | None]] = {}
    index = _skip(text, index + 1)
    if text[index] == "}":
        return members
    while True:
        key, index = scanstring(text, index + 1)
        index = _skip(text, index)
        index = _skip(text, index + 1)
        if text[index] == "[":
            offsets, end = _array_offsets(text, index)
            members[key] = (index, offsets)
            index = end
        else:
            members[key] = (index, None)
            _, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] != ",":
            return members
        index = _skip(text, index + 1)


def json_items(
    document: Any, text: str, *id_keys: str, under: str | None = None
) -> list[Item] | None:
    """The records of a JSON document that holds several, each with its line.

    Accepts a bare list, an object holding one list (`{"rules": [...]}`, other keys
    ignored), an object keyed by id (`{"my_rule": {...}}`) or a single record (an object
    with one of `id_keys`). With `under`, looks inside that member of the top object.
    Returns None when the layout is none of these.
    """
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    start = _skip(text, 0)

    def line(offset: int) -> int:
        return _line_of(newlines, offset)

    if under is not None:
        if not isinstance(document, Mapping) or under not in document:
            return None
        start = _object_offsets(text, start)[under][0]
        document = document[under]
    if isinstance(document, list):
        offsets, _ = _array_offsets(text, start)
        return [Item(line(o), value) for o, value in zip(offsets, document, strict=True)]
    if not isinstance(document, Mapping):
        return None
    if any(key in document for key in id_keys):
        return [Item(line(start), document)]
    members = _object_offsets(text, start)
    lists = [key for key, value in document.items() if isinstance(value, list)]
    if len(lists) == 1:
        offsets = members[lists[0]][1] or []
        return [Item(line(o), value) for o, value in zip(offsets, document[lists[0]], strict=True)]
    if lists:
        return None
    if all(isinstance(value, Mapping) for value in document.values()):
        return [Item(line(members[key][0]), value, str(key)) for key, value in document.items()]
    return None


def iter_csv(path: Path) -> Iterator[Item | Fault]:
    """Yield each CSV row as an `Item` holding a dict (empty cells become None)."""
    text = read_text(path)
    if isinstance(text, Fault):
        yield text
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        yield Fault(1, f"unreadable CSV header: {error}")
        return
    previous = reader.line_num
    while True:
        start = previous + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Fault(start, f"malformed CSV: {error}")
            return
        previous = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Fault(start, f"row has {len(row)} fields, the header has {len(header)}")
            continue
        yield Item(
            start,
            {name: (cell if cell != "" else None) for name, cell in zip(header, row, strict=True)},
        )
