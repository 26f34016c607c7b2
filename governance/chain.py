"""The hash that links each audit row to its predecessor."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64


def _utc_iso(timestamp: datetime) -> str:
    return timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(*, sequence: int, timestamp: datetime, actor_id, actor_repr: str, action: str,
               target_type: str, target_id: str, target_repr: str, detail: dict,
               ip_address: str | None, previous_hash: str) -> str:
    payload = {
        "sequence": sequence,
        "timestamp": _utc_iso(timestamp),
        "actor_id": actor_id,
        "actor_repr": actor_repr,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "target_repr": target_repr,
        "detail": detail,
        "ip_address": ip_address,
        "previous_hash": previous_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def hash_of_row(row) -> str:
    return event_hash(
        sequence=row.sequence, timestamp=row.timestamp, actor_id=row.actor_id,
        actor_repr=row.actor_repr, action=row.action, target_type=row.target_type,
        target_id=row.target_id, target_repr=row.target_repr, detail=row.detail,
        ip_address=row.ip_address, previous_hash=row.previous_hash,
    )
