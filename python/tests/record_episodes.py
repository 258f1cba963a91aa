"""Plays one random-agent episode of each given env through the bridge and writes what Python
saw as JSON: tests/python-bridge.test.ts replays the same actions in Node and compares.

usage: python record_episodes.py OUT.json SEED ENV_ID [ENV_ID ...]
"""

from __future__ import annotations

import json
import sys

import numpy as np

import buddy_gym


def plain(x):
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (np.ndarray, np.generic)):
        return x.tolist()  # float32 values become the doubles they are exactly
    return x


def record(env_id: str, seed: int) -> dict:
    env = buddy_gym.parallel_env(env_id)
    observations, infos = env.reset(seed=seed)
    first = plain(observations)
    for i, agent in enumerate(env.possible_agents):
        env.action_space(agent).seed(seed + i)
    steps = []
    while env.agents:
        actions = {agent: env.action_space(agent).sample() for agent in env.acting_agents}
        observations, rewards, terminations, truncations, infos = env.step(actions)
        steps.append(plain({"actions": actions, "observations": observations, "rewards": rewards,
                            "terminations": terminations, "truncations": truncations, "infos": infos}))
    env.close()
    return {"env": env_id, "seed": seed, "reset": first, "steps": steps}


if __name__ == "__main__":
    out, seed, *ids = sys.argv[1:]
    with open(out, "w") as f:
        json.dump([record(env_id, int(seed)) for env_id in ids], f, allow_nan=False)
