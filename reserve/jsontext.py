"""JSON as reserve writes it: numpy numbers as plain ones, NaN and infinity as null."""

from __future__ import annotations

import json
import math

import numpy as np


def json_ready(value: object) -> object:
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):      # rows in a list: each number too
        return [json_ready(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        return None if math.isnan(x) or math.isinf(x) else x
    return value


def to_json(values: dict[str, object]) -> str:
    return json.dumps(json_ready(values), indent=2) + "\n"
