"""The `.human/` sources: point files, response files and the history log.

Pending points stay pending; completed ones keep their response, status and who answered;
a response file for a point that is still pending is applied as its answer; history lines
add the points whose files are gone (and apply their completion), and otherwise confirm
what the point files already said.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from arcadia_core.legacy import parsers
from arcadia_core.legacy.fields import Fields, RecordError
from arcadia_core.legacy.fingerprint import id_key
from arcadia_core.legacy.jsonio import Fault, iter_jsonl, read_json
from arcadia_core.models import InjectionPointModel
from arcadia_core.vocabulary import PointStatus, RespondedBy

if TYPE_CHECKING:
    from arcadia_core.legacy.discover import LegacySource
    from arcadia_core.legacy.importer import _Importer

TABLE = "injection_points"


def point_state(status: str, response: str | None) -> str:
    """What the seen-store remembers of a point: its status and answer."""
    return json.dumps([status, response])


def import_point_file(importer: _Importer, source: LegacySource, *, pending_dir: bool) -> None:
    """One `.human/pending/` or `.human/completed/` file: one injection point."""
    importer.advance()
    loaded = read_json(source.path)
    if isinstance(loaded, Fault):
        importer.report.reject(source.relpath, TABLE, loaded.line, loaded.reason)
        return
    try:
        row = parsers.parse_injection_point(
            loaded[0], point_id=source.path.stem, pending_dir=pending_dir
        )
    except RecordError as error:
        importer.report.reject(source.relpath, TABLE, 1, error.message)
        return
    importer.offer(TABLE, row, source.relpath, 1, point_state(row["status"], row["response"]))


def _apply_answer(importer: _Importer, key: bytes, answer: dict[str, Any]) -> None:
    if not importer.dry_run:
        assert importer.connection is not None
        importer.connection.execute(
            update(InjectionPointModel)
            .where(
                InjectionPointModel.point_id == answer["point_id"],
                InjectionPointModel.status == PointStatus.PENDING,
            )
            .values(
                response=answer["response"],
                responded_by=answer["responded_by"],
                responded_at=answer["responded_at"],
                status=answer["status"],
            )
        )
    importer.seen.set_state(key, point_state(answer["status"], answer["response"]))


def _lookup(importer: _Importer, point_id: str) -> tuple[bytes, str, str, str | None] | None:
    importer.flush(TABLE)
    importer.ensure_loaded(TABLE)
    key = id_key(TABLE, point_id)
    hit = importer.seen.get(key)
    if hit is None:
        return None
    status, response = json.loads(hit[1]) if hit[1] else (PointStatus.PENDING, None)
    return key, hit[0], status, response


def import_response_file(importer: _Importer, source: LegacySource) -> None:
    """One `.human/responses/<point_id>.json`: the answer to a pending point."""
    importer.advance()
    counts = importer.report.counts(source.relpath, TABLE)
    loaded = read_json(source.path)
    if isinstance(loaded, Fault):
        importer.report.reject(source.relpath, TABLE, loaded.line, loaded.reason)
        return
    mtime = datetime.fromtimestamp(source.path.stat().st_mtime, UTC)
    try:
        answer = parsers.parse_injection_response(
            loaded[0], point_id=source.path.stem, fallback_time=mtime
        )
    except RecordError as error:
        importer.report.reject(source.relpath, TABLE, 1, error.message)
        return
    found = _lookup(importer, answer["point_id"])
    if found is None:
        importer.report.reject(
            source.relpath,
            TABLE,
            1,
            f"no injection point {answer['point_id']!r} to answer "
            "(no pending or completed file, and not in the database)",
        )
        return
    key, _, status, response = found
    if status == PointStatus.PENDING:
        _apply_answer(importer, key, answer)
        counts.imported += 1
    elif response == answer["response"]:
        counts.present += 1
    else:
        importer.report.reject(
            source.relpath,
            TABLE,
            1,
            f"point {answer['point_id']!r} is already {status} with answer {response!r}; "
            f"this answer ({answer['response']!r}) was not applied",
        )


def _history_point(record: Any) -> dict[str, Any]:
    fields = Fields(record)
    completed = fields.opt_flag("completed")
    point = dict(record)
    if completed and not fields.has("responded_by"):
        if not fields.has("response"):
            raise RecordError("history says completed but gives no response or responded_by")
        point["responded_by"] = RespondedBy.HUMAN
    if completed is False:
        point["responded_by"] = RespondedBy.PENDING
    return parsers.parse_injection_point(point, pending_dir=True)


def import_history(importer: _Importer, source: LegacySource) -> None:
    """`.human/history.jsonl`: creation and completion lines of injection points."""
    counts = importer.report.counts(source.relpath, TABLE)
    lines = 0
    for item in iter_jsonl(source.path):
        lines += 1
        importer.advance()
        if isinstance(item, Fault):
            importer.report.reject(source.relpath, TABLE, item.line, item.reason)
            continue
        try:
            row = _history_point(item.record)
        except RecordError as error:
            importer.report.reject(source.relpath, TABLE, item.line, error.message)
            continue
        found = _lookup(importer, row["point_id"])
        if found is None:
            state = point_state(row["status"], row["response"])
            importer.offer(TABLE, row, source.relpath, item.line, state)
            importer.flush(TABLE)
            continue
        key, origin, status, _ = found
        from_here = origin.rsplit(":", 1)[0] == source.relpath
        pending = PointStatus.PENDING
        if from_here and status == pending and row["status"] != pending:
            _apply_answer(importer, key, row)
            counts.imported += 1
        else:
            counts.present += 1
    if lines == 0:
        importer.report.notes.append(f"{source.relpath}: empty file, no records")
