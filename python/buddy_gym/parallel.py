"""``buddy_gym.parallel_env``: a buddy-gym env as a PettingZoo ParallelEnv, played by the server."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from gymnasium import spaces as gs
from pettingzoo import ParallelEnv

from . import _server
from .errors import ActionError, BridgeError, EnvClosed, EnvStateError
from .spaces import flat_box

_F32 = np.dtype("<f4")
_F64 = np.dtype("<f8")


class BuddyParallelEnv(ParallelEnv):
    """One buddy-gym env behind a ``buddy-gym serve`` child process, with PettingZoo's Parallel API.

    Rounds may have phases (goals, then users): every step plays one phase, and only the
    agents of ``acting_agents`` act in it. Actions of other live agents are accepted and
    ignored, since PettingZoo's parallel API hands every live agent an action each step.
    Observations, rewards and infos are those of the TypeScript env, bit for bit: ``infos``
    carry ``phase`` (the phase played), and after the last phase of a round each agent's own
    values and ``round`` (the round's metrics). All agents leave together when the episode ends.

    ``reset(options=...)`` passes the env's own reset options on; any other key is dropped
    with a warning (PettingZoo's API test sends ``{"options": 1}``).

    With ``flatten=True`` each observation is the agent's flat float32 row as the server sends
    it (a Dict's entries one after another; the space is a Box of those numbers' bounds): what
    most RL libraries want, and no decoding.
    """

    metadata = {"render_modes": [], "is_parallelizable": True}

    def __init__(self, env_id: str, *, preset: str | None = None, flatten: bool = False, timeout: float = _server.DEFAULT_TIMEOUT,
                 startup_timeout: float = _server.DEFAULT_STARTUP_TIMEOUT, cli=None, node=None,
                 address: tuple[str, int] | None = None, **options: Any):
        self._conn = _server.open_server(env_id, options, preset=preset, flags=["--num-envs", "1", "--autoreset", "disabled"] if address is None else [],
                                        timeout=timeout, startup_timeout=startup_timeout, cli=cli, node=node, address=address)
        hs = self._conn.handshake
        if hs["mode"] != "parallel" or hs["num_envs"] != 1 or hs["autoreset"] != "disabled":
            self._conn.close()
            raise BridgeError(f"parallel_env needs a server in parallel mode with --num-envs 1 --autoreset disabled; this one is {hs['mode']}, {hs['num_envs']} copies, autoreset {hs['autoreset']}")
        self.metadata = {**BuddyParallelEnv.metadata, "name": hs["env_id"]}
        self.env_id: str = hs["env_id"]
        #: The env's options, validated, with every default filled in.
        self.options: dict[str, Any] = hs["options"]
        #: Names of the env's presets (parallel_env(id, preset=NAME)).
        self.presets: tuple[str, ...] = tuple(hs["presets"])
        self.phases: tuple[str, ...] = tuple(hs["phases"])
        self.metric_names: tuple[str, ...] = tuple(hs["metric_names"])
        self._reset_options = None if hs["reset_options"] is None else set(hs["reset_options"])
        self._roles = _server.roles_of(hs)
        self.possible_agents: list[str] = list(hs["possible_agents"])
        self.agents: list[str] = []
        self._role_of = {agent: (r, i) for r, role in enumerate(self._roles) for i, agent in enumerate(role.agents)}
        # One space object per agent, returned by identity (each with its own random stream).
        self._flatten = flatten
        observation_space = (lambda role: flat_box(role.observation_spec)) if flatten else (lambda role: role.observation_space())
        self._observation_spaces = {a: observation_space(self._roles[r]) for a, (r, _) in self._role_of.items()}
        self._action_spaces = {a: self._roles[r].action_space() for a, (r, _) in self._role_of.items()}
        self._phase = 0
        self._acting_role = 0
        self._started = False

    def observation_space(self, agent: str) -> gs.Space:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> gs.Space:
        return self._action_spaces[agent]

    @property
    def acting_agents(self) -> list[str]:
        """The agents whose actions the next step needs (one role per phase); [] after the episode."""
        return list(self._roles[self._acting_role].agents) if self.agents else []

    def reset(self, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        fields: dict[str, Any] = {"seed": _server.checked_seed(seed)}
        if options:
            fields["options"] = self._env_reset_options(options)
        reply = self._conn.request("reset", **fields)
        self._phase = reply["phase"]
        self._acting_role = reply["acting_role"]
        self._started = True
        self.agents = list(self.possible_agents)
        return self._observations(reply["observations"]), {a: {} for a in self.agents}

    def step(self, actions: dict[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        if self._conn.closed:
            raise EnvClosed(f"{self.env_id}: the env is closed")
        if not self.agents:
            why = "after the episode ended; call reset() first" if self._started else "before reset()"
            raise EnvStateError(f"{self.env_id}: step() {why}", type="EnvStateError")
        reply = self._conn.request("step", actions=self._action_bytes(actions))
        self._phase = reply["phase"]
        self._acting_role = reply["acting_role"]
        live = self.agents
        observations = self._observations(reply["observations"])
        rewards: dict[str, float] = {}
        infos: dict[str, dict] = {}
        terminated = bool(reply["terminations"][0])
        truncated = bool(reply["truncations"][0]) and not terminated
        played = self.phases[reply["played_phase"]]
        metrics = np.frombuffer(reply["metrics"], _F64) if reply["round_end"] else None
        for role, reward_bytes, info_bytes in zip(self._roles, reply["rewards"], reply["infos"]):
            role_rewards = np.frombuffer(reward_bytes, _F64)
            role_infos = np.frombuffer(info_bytes, _F64).reshape(role.count, len(role.info_names))
            for i, agent in enumerate(role.agents):
                rewards[agent] = float(role_rewards[i])
                info: dict[str, Any] = {"phase": played}
                if metrics is not None:
                    info.update(zip(role.info_names, role_infos[i].tolist()))
                    info["round"] = dict(zip(self.metric_names, metrics.tolist()))
                infos[agent] = info
        terminations = dict.fromkeys(live, terminated)
        truncations = dict.fromkeys(live, truncated)
        if terminated or truncated:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    def close(self) -> None:
        """Ends the server process; harmless twice (Gymnasium's rule). Using the env afterwards raises EnvClosed."""
        self._conn.close()
        self.agents = []

    def _env_reset_options(self, options: dict) -> dict:
        if self._reset_options is None:
            return _server.plain(options)
        unknown = sorted(set(options) - self._reset_options)
        if unknown:
            known = ", ".join(sorted(self._reset_options)) or "none"
            warnings.warn(f"{self.env_id}: reset option(s) {', '.join(map(repr, unknown))} ignored; the env's reset options are: {known}", stacklevel=3)
        return _server.plain({k: v for k, v in options.items() if k in self._reset_options})

    def _observations(self, rows: list[bytes]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for role, data in zip(self._roles, rows):
            flat = np.frombuffer(data, _F32).reshape(role.count, role.obs_size)
            for i, agent in enumerate(role.agents):
                out[agent] = flat[i].copy() if self._flatten else role.decode(flat[i])
        return out

    def _action_bytes(self, actions: dict[str, Any]) -> bytes:
        if not isinstance(actions, dict):
            raise ActionError(f"{self.env_id}: step() needs a dict of actions keyed by agent id, got {type(actions).__name__}", type="ActionError")
        for agent in actions:
            if agent not in self._role_of:
                raise ActionError(f"{self.env_id}: action of agent {agent!r}: no such agent (agents are {', '.join(self.possible_agents)})", type="ActionError", agent=str(agent))
        role = self._roles[self._acting_role]
        flat = np.zeros((role.count, role.act_size), role.act_dtype)
        for i, agent in enumerate(role.agents):
            if agent not in actions:
                raise ActionError(f"{self.env_id}: action of agent {agent!r}: missing: the {self.phases[self._phase]} phase needs an action from each of {', '.join(role.agents)}", type="ActionError", agent=agent)
            why = role.encode(actions[agent], flat[i])
            if why is not None:
                raise ActionError(f"{self.env_id}: action of agent {agent!r}: {why}", type="ActionError", agent=agent)
        return flat.tobytes()


def parallel_env(env_id: str, **kwargs: Any) -> BuddyParallelEnv:
    """The env ``env_id`` (e.g. ``"attention-market-v0"``) as a PettingZoo ParallelEnv.

    Keyword arguments: the env's options (``users=2, goals=4``; ``buddy-gym list <id>`` lists
    them), ``preset=`` one of its presets, ``flatten=True`` for flat Box observations, ``timeout=`` seconds a reply may take (default 60),
    ``startup_timeout=``, ``cli=`` the path of bin/buddy-gym.js and ``node=`` the Node.js
    executable (found by default), or ``address=(host, port)`` of a running ``buddy-gym serve
    --port P --num-envs 1 --autoreset disabled``. A bad option raises OptionError naming it.
    """
    return BuddyParallelEnv(env_id, **kwargs)
