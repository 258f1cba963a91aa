"""Starting (or reaching) a buddy-gym server for one env, and what its handshake says."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
from gymnasium import spaces as gs

from . import _locate, _wire
from .errors import BridgeError
from .spaces import Decoder, Encoder, decoder, encoder, flat_size, to_gym

#: Seconds a reply may take (a batched step of many copies included), and the server's start.
DEFAULT_TIMEOUT = 60.0
DEFAULT_STARTUP_TIMEOUT = 60.0


def option_text(value: Any) -> str:
    """An env option as ``--option key=<text>`` wants it: strings as they are, the rest as JSON."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, str):
        return value
    return json.dumps(value, allow_nan=True)


def open_server(
    env_id: str,
    options: Mapping[str, Any],
    *,
    preset: str | None = None,
    flags: list[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
    cli: str | os.PathLike | None = None,
    node: str | os.PathLike | None = None,
    address: tuple[str, int] | None = None,
) -> _wire.Connection:
    """Spawns ``node <cli> serve <env_id> --stdio ...`` (or connects to ``address``) and greets it."""
    if not isinstance(env_id, str):
        raise TypeError(f"env id must be a string like 'attention-market-v0', got {env_id!r}")
    if address is not None:
        if options or preset is not None or flags:
            raise BridgeError("with address=..., the env, its options and mode are the server's (set when it was started); give none here")
        conn = _wire.connect(address[0], int(address[1]), timeout, startup_timeout)
        if conn.handshake["env_id"] != env_id:
            conn.close()
            raise BridgeError(f"the server at {address[0]}:{address[1]} serves {conn.handshake['env_id']}, not {env_id}")
        return conn
    argv = [_locate.find_node(node), str(_locate.find_cli(cli)), "serve", env_id, "--stdio", *flags]
    if preset is not None:
        argv += ["--preset", str(preset)]
    for key, value in options.items():
        argv += ["--option", f"{key}={option_text(value)}"]
    return _wire.spawn(argv, timeout, startup_timeout)


@dataclass(frozen=True)
class Role:
    """One role of the handshake (agents sharing spaces), with its codecs."""

    name: str
    agents: tuple[str, ...]
    obs_size: int
    act_size: int
    act_dtype: np.dtype
    info_names: tuple[str, ...]
    observation_spec: dict
    action_spec: dict
    decode: Decoder
    encode: Encoder

    @property
    def count(self) -> int:
        return len(self.agents)

    def observation_space(self) -> gs.Space:
        return to_gym(self.observation_spec)

    def observation_slice(self, key: str) -> slice:
        """Where entry ``key`` of the role's Dict observation lies in its flat row (for batched code
        that reads the vector env's rows directly)."""
        at = 0
        for name, sub in self.observation_spec.get("entries", {}).items():
            if name == key:
                return slice(at, at + flat_size(sub))
            at += flat_size(sub)
        raise KeyError(f"the {self.name} observation has no entry {key!r}")

    def action_space(self) -> gs.Space:
        return to_gym(self.action_spec)


def roles_of(handshake: dict) -> list[Role]:
    return [
        Role(
            name=r["name"],
            agents=tuple(r["agents"]),
            obs_size=r["obs_size"],
            act_size=r["act_size"],
            act_dtype=np.dtype("<i4" if r["act_dtype"] == "int32" else "<f4"),
            info_names=tuple(r["info_names"]),
            observation_spec=r["observation_space"],
            action_spec=r["action_space"],
            decode=decoder(r["observation_space"]),
            encode=encoder(r["action_space"]),
        )
        for r in handshake["roles"]
    ]


def plain(value: Any) -> Any:
    """A value msgpack can carry: numpy arrays and scalars as lists and numbers."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def checked_seed(seed: Any) -> int | None:
    """A seed as the protocol takes it: None, or an integer in [0, 2**53 - 1]."""
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) <= 2**53 - 1:
        raise ValueError(f"seed must be None or an integer in [0, 2**53 - 1], got {seed!r}")
    return int(seed)
