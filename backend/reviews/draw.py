"""The random draw of reviewing experts: a pure function of its recorded seed and inputs, so that anyone can
re-run it and get the same result (the draw record keeps all of them)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence


def draw(
    seed: str,
    item_ids: Sequence[int],
    pool: Sequence[int],
    excluded: Mapping[int, Sequence[int]],
    per_report: int,
) -> dict[int, list[int]]:
    """For each report (in id order), the `per_report` eligible experts with the fewest reports drawn so far,
    ties broken at random; an expert excluded for a report (a conflict, already assigned) is never drawn."""
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))  # noqa: S311 - a draw, not a secret
    load = dict.fromkeys(sorted(pool), 0)
    result: dict[int, list[int]] = {}
    for item_id in sorted(item_ids):
        barred = set(excluded.get(item_id, ()))
        ranked = sorted((load[e], rng.random(), e) for e in sorted(load) if e not in barred)
        chosen = sorted(e for _, _, e in ranked[:per_report])
        for expert in chosen:
            load[expert] += 1
        result[item_id] = chosen
    return result


def new_seed() -> str:
    return f"{random.SystemRandom().getrandbits(64):016x}"
