"""``buddy_gym.vector_env``: B copies of a game stepped together, one message per step."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from gymnasium import spaces as gs

from . import _server
from .errors import ActionError, BridgeError

_F32 = np.dtype("<f4")
_F64 = np.dtype("<f8")


class VectorStep(NamedTuple):
    """One step of B copies, role by role (the order of ``env.roles``). Arrays are read-only views
    of the reply; they stay valid after later steps."""

    #: per role [B, count, obs_size] float32: the observations after the step
    observations: list[np.ndarray]
    #: per role [B, count] float64
    rewards: list[np.ndarray]
    #: [B] bool: the copy's episode ended in this step (terminated / cut at the time limit)
    terminations: np.ndarray
    truncations: np.ndarray
    #: per role [B, count, len(role.info_names)] float64, meaningful when round_end
    infos: list[np.ndarray]
    #: [B, len(metric_names)] float64, meaningful when round_end
    metrics: np.ndarray
    #: the step played the last phase of a round
    round_end: bool
    #: the phase played (index into phases); -1 when every copy was reset instead (next-step autoreset)
    played_phase: int
    #: [B] bool, next-step autoreset: the copy was reset by this step instead of stepped
    was_reset: np.ndarray
    #: [B] bool, same-step autoreset: the copy ended and was reset; its last observation is in final_observations
    has_final: np.ndarray
    final_observations: list[np.ndarray] | None


class BuddyVectorEnv:
    """B copies of a buddy-gym env behind one ``buddy-gym serve --num-envs B`` child process: the
    TypeScript VecEnv's flat layout over numpy arrays. Each step plays one phase in every copy:
    pass the acting role's actions, shape [B, count, act_size] (``acting.act_dtype``)."""

    def __init__(self, env_id: str, num_envs: int = 1, *, autoreset: str = "next-step", preset: str | None = None,
                 timeout: float = _server.DEFAULT_TIMEOUT, startup_timeout: float = _server.DEFAULT_STARTUP_TIMEOUT,
                 cli=None, node=None, address: tuple[str, int] | None = None, **options: Any):
        if address is None and (isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)) or num_envs < 1):
            raise ValueError(f"num_envs must be a positive integer, got {num_envs!r}")
        flags = [] if address is not None else ["--num-envs", str(int(num_envs)), "--autoreset", str(autoreset)]
        self._conn = _server.open_server(env_id, options, preset=preset, flags=flags, timeout=timeout,
                                        startup_timeout=startup_timeout, cli=cli, node=node, address=address)
        hs = self._conn.handshake
        if hs["mode"] != "parallel":
            self._conn.close()
            raise BridgeError(f"vector_env needs a server in parallel mode, this one is in {hs['mode']} mode")
        self.env_id: str = hs["env_id"]
        self.options: dict[str, Any] = hs["options"]
        self.num_envs: int = hs["num_envs"]
        self.autoreset: str = hs["autoreset"]
        self.presets: tuple[str, ...] = tuple(hs["presets"])
        self.phases: tuple[str, ...] = tuple(hs["phases"])
        self.phase_roles: tuple[int, ...] = tuple(hs["phase_roles"])
        self.metric_names: tuple[str, ...] = tuple(hs["metric_names"])
        self.roles = _server.roles_of(hs)
        self.possible_agents: list[str] = list(hs["possible_agents"])
        self._observation_spaces = {r.name: r.observation_space() for r in self.roles}
        self._action_spaces = {r.name: r.action_space() for r in self.roles}
        self.phase = 0
        self.acting_role = 0

    @property
    def acting(self) -> _server.Role:
        """The role whose actions the next step needs."""
        return self.roles[self.acting_role]

    def observation_space(self, role: str) -> gs.Space:
        """One agent's observation space in this role (the flat row decodes into it with ``role.decode``)."""
        return self._observation_spaces[role]

    def action_space(self, role: str) -> gs.Space:
        return self._action_spaces[role]

    def reset(self, seed: int | None = None, options: dict | None = None, mask: np.ndarray | None = None) -> list[np.ndarray]:
        """Resets every copy (copy b seeded with seed + b), or those with mask[b] true (at a round's
        start only). Returns each role's observations, [B, count, obs_size] float32."""
        fields: dict[str, Any] = {"seed": _server.checked_seed(seed)}
        if options is not None:
            fields["options"] = _server.plain(options)
        if mask is not None:
            m = np.asarray(mask)
            if m.shape != (self.num_envs,):
                raise ValueError(f"mask must have shape ({self.num_envs},), got {m.shape}")
            fields["mask"] = m.astype(np.uint8).tobytes()
        reply = self._conn.request("reset", **fields)
        self.phase = reply["phase"]
        self.acting_role = reply["acting_role"]
        return self._rows(reply["observations"])

    def step(self, actions: np.ndarray) -> VectorStep:
        """Plays the current phase in every copy with the acting role's actions [B, count, act_size]."""
        role = self.acting
        shape = (self.num_envs, role.count, role.act_size)
        a = np.asarray(actions)
        if a.size != np.prod(shape):
            raise ActionError(f"{self.env_id}: step() needs the {role.name} role's actions, shape {shape}, got shape {a.shape}", type="ActionError")
        if role.act_dtype.kind == "i":
            # What a cast to int32 would hide: fractions, NaN, values beyond its range.
            if a.dtype.kind not in "iuf" or (a.dtype.kind == "f" and not np.all(a == np.round(a))):
                raise ActionError(f"{self.env_id}: the {role.name} role's actions must be integers (int32), got {a.dtype} values that are not", type="ActionError")
            if a.size and (a.min() < -(2**31) or a.max() >= 2**31):
                raise ActionError(f"{self.env_id}: the {role.name} role's actions must fit in int32, got values in [{a.min()}, {a.max()}]", type="ActionError")
        reply = self._conn.request("step", actions=np.ascontiguousarray(a, dtype=role.act_dtype).tobytes())
        self.phase = reply["phase"]
        self.acting_role = reply["acting_role"]
        finals = reply.get("final_observations")
        return VectorStep(
            observations=self._rows(reply["observations"]),
            rewards=[np.frombuffer(b, _F64).reshape(self.num_envs, r.count) for r, b in zip(self.roles, reply["rewards"])],
            terminations=np.frombuffer(reply["terminations"], np.uint8).astype(bool),
            truncations=np.frombuffer(reply["truncations"], np.uint8).astype(bool),
            infos=[np.frombuffer(b, _F64).reshape(self.num_envs, r.count, len(r.info_names)) for r, b in zip(self.roles, reply["infos"])],
            metrics=np.frombuffer(reply["metrics"], _F64).reshape(self.num_envs, len(self.metric_names)),
            round_end=reply["round_end"],
            played_phase=reply["played_phase"],
            was_reset=np.frombuffer(reply["was_reset"], np.uint8).astype(bool),
            has_final=np.frombuffer(reply["has_final"], np.uint8).astype(bool),
            final_observations=None if finals is None else self._rows(finals),
        )

    def random_actions(self, rng: np.random.Generator) -> np.ndarray:
        """Uniformly random valid actions of the acting role for every copy, [B, count, act_size]."""
        role = self.acting
        spec = role.action_spec
        n = (self.num_envs, role.count)
        kind = spec["kind"]
        if kind == "box":
            low = np.broadcast_to(np.asarray(spec["low"], np.float64).reshape(-1), (role.act_size,))
            high = np.broadcast_to(np.asarray(spec["high"], np.float64).reshape(-1), (role.act_size,))
            if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
                raise NotImplementedError("random_actions needs a bounded Box")
            return rng.uniform(low, high, (*n, role.act_size)).astype(np.float32)
        if kind == "subset":
            return np.argsort(rng.random((*n, spec["n"])), axis=-1)[..., : spec["k"]].astype(np.int32)
        if kind == "discrete":
            return (spec["start"] + rng.integers(0, spec["n"], (*n, 1))).astype(np.int32)
        if kind == "multi-discrete":
            return (spec["start"] + rng.integers(0, np.asarray(spec["nvec"]), (*n, role.act_size))).astype(np.int32)
        raise NotImplementedError(f"random_actions: {kind} action spaces")

    def close(self) -> None:
        """Ends the server process; harmless twice."""
        self._conn.close()

    def __enter__(self) -> "BuddyVectorEnv":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _rows(self, rows: list[bytes]) -> list[np.ndarray]:
        return [np.frombuffer(b, _F32).reshape(self.num_envs, r.count, r.obs_size) for r, b in zip(self.roles, rows)]


def vector_env(env_id: str, num_envs: int, **kwargs: Any) -> BuddyVectorEnv:
    """``num_envs`` copies of ``env_id`` stepped together (``autoreset=`` ``"next-step"`` by default,
    ``"same-step"`` or ``"disabled"``); env options and the other keywords as for ``parallel_env``."""
    return BuddyVectorEnv(env_id, num_envs, **kwargs)
