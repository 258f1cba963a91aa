"""attention-market-v0 as RLlib's default models take it, still a PettingZoo ParallelEnv.

RLlib's default RLModules want flat Box observations and Box or Discrete actions. This wraps
``buddy_gym.parallel_env(..., flatten=True)`` (flat float32 observations) so that:

- each observation gains a last number, 1.0 when the agent acts in the coming phase and 0.0
  when its action will be ignored (a round is two phases: goals, then users);
- a User Buddy's action, N distinct pool indices (``buddy_gym.Subset``), becomes P scores in
  [-1, 1] of which the top N are taken (argsort, ties to the lower index);
- a Goal Buddy's action, M creations of D numbers, becomes one flat Box of M * D numbers.

Needs only buddy_gym (and what it needs): tested with PettingZoo's API and seed tests in
python/tests/test_examples.py, with or without RLlib installed.
"""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
from pettingzoo import ParallelEnv

import buddy_gym


class RLlibReady(ParallelEnv):
    """A flat buddy-gym ParallelEnv with an "acts next" flag in every observation and Box actions."""

    def __init__(self, env: buddy_gym.BuddyParallelEnv):
        self.env = env
        self.metadata = env.metadata
        self.possible_agents = list(env.possible_agents)
        self._observation_spaces = {}
        self._action_spaces = {}
        self._inner_actions = {}
        for agent in self.possible_agents:
            obs = env.observation_space(agent)
            low, high = np.append(obs.low, 0).astype(np.float32), np.append(obs.high, 1).astype(np.float32)
            self._observation_spaces[agent] = gymnasium.spaces.Box(low, high, (obs.shape[0] + 1,), np.float32)
            act = env.action_space(agent)
            self._inner_actions[agent] = act
            if isinstance(act, buddy_gym.Subset):
                self._action_spaces[agent] = gymnasium.spaces.Box(-1, 1, (act.n,), np.float32)
            else:
                self._action_spaces[agent] = gymnasium.spaces.Box(act.low.reshape(-1), act.high.reshape(-1), (act.low.size,), np.float32)

    @property
    def agents(self) -> list[str]:
        return self.env.agents

    def observation_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._action_spaces[agent]

    def reset(self, seed: int | None = None, options: dict | None = None):
        observations, infos = self.env.reset(seed=seed, options=options)
        return self._flagged(observations), infos

    def step(self, actions: dict[str, Any]):
        acting = set(self.env.acting_agents)
        inner = {agent: self._inner_action(agent, a) for agent, a in actions.items() if agent in acting}
        observations, rewards, terminations, truncations, infos = self.env.step(inner)
        return self._flagged(observations), rewards, terminations, truncations, infos

    def close(self) -> None:
        self.env.close()

    def _inner_action(self, agent: str, a: Any) -> np.ndarray:
        space = self._inner_actions[agent]
        a = np.asarray(a, np.float32).reshape(-1)
        if isinstance(space, buddy_gym.Subset):
            return np.argsort(-a, kind="stable")[: space.k]
        return np.clip(a, space.low.reshape(-1), space.high.reshape(-1)).reshape(space.shape)

    def _flagged(self, observations: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        acting = set(self.env.acting_agents)
        return {agent: np.append(o, np.float32(agent in acting)) for agent, o in observations.items()}


def make_env(config: dict | None = None) -> RLlibReady:
    """The env RLlib builds on each env runner: ``config["options"]`` are the env's options."""
    options = dict((config or {}).get("options", {}))
    return RLlibReady(buddy_gym.parallel_env("attention-market-v0", flatten=True, **options))
