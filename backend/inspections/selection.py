"""The random selection (双随机): agencies drawn with probability growing with their risk, then inspectors for
each. Pure functions of the recorded seed and inputs, so that a draw can be replayed and checked."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence


def _rng(seed: str, purpose: str) -> random.Random:
    digest = hashlib.sha256(f"{purpose}:{seed}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - a draw, not a secret


def draw_targets(seed: str, weights: Mapping[int, float], count: int) -> list[int]:
    """Weighted sampling without replacement (Efraimidis–Spirakis): each candidate gets the key u^(1/w) and the
    `count` largest keys win, so a weight-4 agency is about four times as likely to be drawn as a weight-1 one."""
    rng = _rng(seed, "targets")
    keys = sorted(((rng.random() ** (1 / weights[a]), a) for a in sorted(weights) if weights[a] > 0), reverse=True)
    return sorted(agency for _, agency in keys[:count])


def draw_inspectors(seed: str, targets: Sequence[int], pool: Sequence[int], per_target: int) -> dict[int, list[int]]:
    """For each target in id order, the inspectors with the fewest targets so far, ties broken at random."""
    rng = _rng(seed, "inspectors")
    load = dict.fromkeys(sorted(pool), 0)
    result: dict[int, list[int]] = {}
    for target in sorted(targets):
        ranked = sorted((load[i], rng.random(), i) for i in sorted(load))
        chosen = sorted(i for _, _, i in ranked[:per_target])
        for inspector in chosen:
            load[inspector] += 1
        result[target] = chosen
    return result
