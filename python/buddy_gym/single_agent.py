"""``buddy_gym.single_agent_env``: one agent's view as a Gymnasium env, the others played by baselines."""

from __future__ import annotations

from typing import Any, Mapping

import gymnasium
import numpy as np

from . import _server
from .errors import ActionError, BridgeError

_F32 = np.dtype("<f4")
_F64 = np.dtype("<f8")


class BuddySingleAgentEnv(gymnasium.Env):
    """Gymnasium's single-agent API over one agent of a buddy-gym game (TypeScript's SingleAgentEnv).

    ``step(action)`` plays the agent's action in its phase, then the server's baselines play
    every other agent until this one must act again; the reward is the agent's reward summed
    over those env steps. ``reset(seed=s)`` seeds the env and the baselines' random streams.
    """

    metadata = {"render_modes": []}

    def __init__(self, env_id: str, agent: str, baselines: Mapping[str, str] | None = None, *, preset: str | None = None,
                 timeout: float = _server.DEFAULT_TIMEOUT, startup_timeout: float = _server.DEFAULT_STARTUP_TIMEOUT,
                 cli=None, node=None, address: tuple[str, int] | None = None, **options: Any):
        flags: list[str] = []
        if address is None:
            flags = ["--agent", str(agent)]
            for side, name in (baselines or {}).items():
                flags += ["--baseline", f"{side}={name}"]
        self._conn = _server.open_server(env_id, options, preset=preset, flags=flags, timeout=timeout,
                                        startup_timeout=startup_timeout, cli=cli, node=node, address=address)
        hs = self._conn.handshake
        if hs["mode"] != "single-agent" or hs["agent"] != agent:
            self._conn.close()
            raise BridgeError(f"single_agent_env({agent!r}) needs a server in single-agent mode for that agent; this one is in {hs['mode']} mode")
        self.env_id: str = hs["env_id"]
        self.agent: str = agent
        self.options: dict[str, Any] = hs["options"]
        #: The baseline playing each side's other agents.
        self.baselines: dict[str, str] = hs["baselines"]
        (self._role,) = _server.roles_of(hs)
        self.observation_space = self._role.observation_space()
        self.action_space = self._role.action_space()
        self.metadata = {**BuddySingleAgentEnv.metadata, "name": self.env_id}
        self._reset_options = hs["reset_options"]

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Any, dict]:
        super().reset(seed=seed)
        fields: dict[str, Any] = {"seed": _server.checked_seed(seed)}
        if options:
            fields["options"] = _server.plain(options)
        reply = self._conn.request("reset", **fields)
        return self._observation(reply), reply["info"]

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict]:
        flat = np.zeros((self._role.act_size,), self._role.act_dtype)
        why = self._role.encode(action, flat)
        if why is not None:
            raise ActionError(f"{self.env_id}: action of agent {self.agent!r}: {why}", type="ActionError", agent=self.agent)
        reply = self._conn.request("step", actions=flat.tobytes())
        reward = float(np.frombuffer(reply["rewards"][0], _F64)[0])
        return self._observation(reply), reward, bool(reply["terminations"][0]), bool(reply["truncations"][0]), reply["info"]

    def close(self) -> None:
        """Ends the server process; harmless twice."""
        self._conn.close()

    def _observation(self, reply: dict) -> Any:
        return self._role.decode(np.frombuffer(reply["observations"][0], _F32))


def single_agent_env(env_id: str, agent: str, baselines: Mapping[str, str] | None = None, **kwargs: Any) -> BuddySingleAgentEnv:
    """Agent ``agent`` of ``env_id`` as a ``gymnasium.Env``; every other agent is played by its side's
    baseline: ``baselines={"goal": "honest"}`` names one per side (each side's reference baseline
    otherwise). Env options and the other keywords as for ``parallel_env``."""
    return BuddySingleAgentEnv(env_id, agent, baselines, **kwargs)
