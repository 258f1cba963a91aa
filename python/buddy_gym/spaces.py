"""buddy-gym's spaces as Gymnasium spaces, and their flat layout on the wire.

The server describes each space as JSON-shaped data (``{"kind": "box", ...}``, the same as
``Space.toJSON()`` in TypeScript) and sends every observation as a row of float32 numbers in
the space's flat layout (a Dict's entries one after another, in the declared order). Here:
``to_gym`` builds the Gymnasium space, ``decoder`` turns a row back into a value of that
space, ``encoder`` writes an action into a row of the action dtype.
"""

from __future__ import annotations

from collections import OrderedDict
from math import prod
from typing import Any, Callable

import numpy as np
from gymnasium import spaces as gs


class Subset(gs.Space[np.ndarray]):
    """``k`` distinct indices of ``{0, ..., n - 1}`` (an unordered choice, e.g. the slots a User Buddy
    fills from the pool). ``sample()`` is uniform over the k-subsets."""

    def __init__(self, n: int, k: int, seed: int | np.random.Generator | None = None):
        if not (isinstance(n, (int, np.integer)) and n >= 1 and isinstance(k, (int, np.integer)) and 1 <= k <= n):
            raise ValueError(f"Subset needs integers 1 <= k <= n, got n={n!r}, k={k!r}")
        self.n = int(n)
        self.k = int(k)
        super().__init__((self.k,), np.int64, seed)

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def sample(self, mask: Any = None, probability: Any = None) -> np.ndarray:
        if mask is not None or probability is not None:
            raise NotImplementedError("Subset.sample takes no mask or probability")
        return self.np_random.choice(self.n, size=self.k, replace=False).astype(np.int64)

    def contains(self, x: Any) -> bool:
        a = np.asarray(x)
        if a.shape != (self.k,) or not np.issubdtype(a.dtype, np.integer):
            return False
        return bool(np.all((a >= 0) & (a < self.n)) and np.unique(a).size == self.k)

    def to_jsonable(self, sample_n):
        return [np.asarray(s).tolist() for s in sample_n]

    def from_jsonable(self, sample_n):
        return [np.asarray(s, dtype=np.int64) for s in sample_n]

    def __repr__(self) -> str:
        return f"Subset({self.n}, {self.k})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Subset) and other.n == self.n and other.k == self.k


def to_gym(spec: dict) -> gs.Space:
    """The Gymnasium space for a space description (box, discrete, multi-discrete, subset, dict)."""
    kind = spec["kind"]
    if kind == "box":
        shape = tuple(spec["shape"])
        return gs.Box(_bound(spec["low"], shape), _bound(spec["high"], shape), shape, np.float32)
    if kind == "discrete":
        return gs.Discrete(spec["n"], start=spec["start"])
    if kind == "multi-discrete":
        nvec = np.asarray(spec["nvec"], dtype=np.int64)
        return gs.MultiDiscrete(nvec, start=np.full(nvec.shape, spec["start"], dtype=np.int64))
    if kind == "subset":
        return Subset(spec["n"], spec["k"])
    if kind == "dict":
        return gs.Dict(OrderedDict((key, to_gym(sub)) for key, sub in spec["entries"].items()))
    raise ValueError(f"unknown space kind {kind!r}")


def _bound(b: Any, shape: tuple[int, ...]) -> np.ndarray:
    a = np.asarray(b, dtype=np.float32)
    return np.full(shape, a, dtype=np.float32) if a.ndim == 0 else a.reshape(shape)


def flat_size(spec: dict) -> int:
    kind = spec["kind"]
    if kind == "box":
        return prod(spec["shape"])
    if kind == "discrete":
        return 1
    if kind == "multi-discrete":
        return len(spec["nvec"])
    if kind == "subset":
        return spec["k"]
    return sum(flat_size(sub) for sub in spec["entries"].values())


def flat_box(spec: dict) -> gs.Box:
    """The space of the flat layout itself: a float32 Box of ``flat_size(spec)`` numbers whose
    bounds are the entries' (a discrete entry's are its first and last value)."""
    low: list[np.ndarray] = []
    high: list[np.ndarray] = []

    def walk(s: dict) -> None:
        kind = s["kind"]
        if kind == "dict":
            for sub in s["entries"].values():
                walk(sub)
            return
        n = flat_size(s)
        if kind == "box":
            low.append(_bound(s["low"], (n,)))
            high.append(_bound(s["high"], (n,)))
        elif kind == "discrete":
            low.append(np.full(1, s["start"], np.float32))
            high.append(np.full(1, s["start"] + s["n"] - 1, np.float32))
        elif kind == "multi-discrete":
            low.append(np.full(n, s["start"], np.float32))
            high.append(s["start"] + np.asarray(s["nvec"], np.float32) - 1)
        else:  # subset
            low.append(np.zeros(n, np.float32))
            high.append(np.full(n, s["n"] - 1, np.float32))

    walk(spec)
    return gs.Box(np.concatenate(low), np.concatenate(high), (flat_size(spec),), np.float32)


Decoder = Callable[[np.ndarray], Any]


def decoder(spec: dict, offset: int = 0) -> Decoder:
    """A function from a flat float32 row to the space's value (fresh arrays, not views of the row)."""
    kind = spec["kind"]
    n = flat_size(spec)
    end = offset + n
    if kind == "box":
        shape = tuple(spec["shape"])
        return lambda row: row[offset:end].reshape(shape).copy()
    if kind == "discrete":
        return lambda row: np.int64(row[offset])
    if kind in ("multi-discrete", "subset"):
        return lambda row: row[offset:end].astype(np.int64)
    parts = []
    at = offset
    for key, sub in spec["entries"].items():
        parts.append((key, decoder(sub, at)))
        at += flat_size(sub)
    return lambda row: {key: part(row) for key, part in parts}


#: Writes a value into a flat row of the action dtype; returns what is wrong with it, or None.
Encoder = Callable[[Any, np.ndarray], "str | None"]

_INT32 = 2**31


def encoder(spec: dict, offset: int = 0) -> Encoder:
    """A function writing a value of the space into a flat row (float32 or int32). It checks what
    the cast would hide (shape, integer-ness, int32 range); the server checks the rest (bounds,
    distinct indices) and names the agent."""
    kind = spec["kind"]
    n = flat_size(spec)
    end = offset + n
    if kind == "dict":
        parts = []
        at = offset
        for key, sub in spec["entries"].items():
            parts.append((key, encoder(sub, at)))
            at += flat_size(sub)

        def encode_dict(value: Any, row: np.ndarray) -> str | None:
            if not isinstance(value, dict) or set(value) != {key for key, _ in parts}:
                return f"expected a dict with keys {', '.join(key for key, _ in parts)}, got {_describe(value)}"
            for key, part in parts:
                why = part(value[key], row)
                if why is not None:
                    return f"{key!r}: {why}"
            return None

        return encode_dict
    integer = kind != "box"
    shape = (n,) if kind != "box" else tuple(spec["shape"])

    def encode(value: Any, row: np.ndarray) -> str | None:
        try:
            a = np.asarray(value)
        except Exception:  # ragged lists and the like
            return f"expected {n} numbers, got {_describe(value)}"
        if a.size != n or (kind == "discrete" and a.ndim > 1):
            return f"expected {n} {'integers' if integer else 'numbers'} (shape {shape}), got {_describe(value)}"
        if a.dtype == np.bool_ or not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
            return f"expected {'integers' if integer else 'numbers'}, got an array of {a.dtype}"
        flat = a.reshape(-1)
        if integer and not np.issubdtype(a.dtype, np.integer):
            bad = ~np.isfinite(flat) | (flat != np.round(flat))
            if bad.any():
                return f"element [{int(np.argmax(bad))}] is {flat[np.argmax(bad)]}, not an integer"
        if integer and np.any(np.abs(flat) >= _INT32):
            return f"element [{int(np.argmax(np.abs(flat) >= _INT32))}] is out of the int32 range"
        row[offset:end] = flat
        return None

    return encode


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)}"
    return f"{type(value).__name__} {value!r}"[:80]
