#!/usr/bin/env python3
"""PPO on attention-market-v0 with RLlib's multi-agent API: one policy per side ("goal" and
"user", each shared by that side's agents), the env through RLlib's ParallelPettingZooEnv.

NOT RUN where it was written: RLlib imports dm-tree (module ``tree``), which those machines'
package index lacks, so this file is written against RLlib 2.58's documented API (the new
API stack: PPOConfig, MultiRLModuleSpec, build_algo) and only its imports and env
construction are tested, where RLlib imports (python/tests/test_examples.py).

    python examples/rllib/ppo_attention_market.py --iterations 50 --env-runners 4
    python examples/rllib/ppo_attention_market.py --address auto   # on a Ray cluster

Every env runner builds its own env, so its own buddy-gym server (a Node.js child):
Node.js and the npm package with buddy_gym must be on every node (docs/distributed.md).
"""

from __future__ import annotations

import argparse
import json

import ray
from ray.rllib.algorithms.ppo import PPOConfig
from ray.rllib.core.rl_module.multi_rl_module import MultiRLModuleSpec
from ray.rllib.core.rl_module.rl_module import RLModuleSpec
from ray.rllib.env.wrappers.pettingzoo_env import ParallelPettingZooEnv
from ray.tune.registry import register_env

from market_env import make_env

ENV = "buddy-gym-attention-market"
SIDES = ("goal", "user")


def side_of(agent_id: str, episode=None, **kwargs) -> str:
    """RLlib's policy_mapping_fn: goal_k -> "goal", user_j -> "user"."""
    return "goal" if agent_id.startswith("goal") else "user"


def ppo_config(env_runners: int = 2, options: dict | None = None) -> PPOConfig:
    register_env(ENV, lambda env_config: ParallelPettingZooEnv(make_env(env_config)))
    return (
        PPOConfig()
        .environment(ENV, env_config={"options": options or {}})
        .multi_agent(policies=set(SIDES), policy_mapping_fn=side_of)
        .rl_module(rl_module_spec=MultiRLModuleSpec(rl_module_specs={s: RLModuleSpec() for s in SIDES}))
        .env_runners(num_env_runners=env_runners)
        .training(lr=3e-4, gamma=0.99, lambda_=0.95, train_batch_size_per_learner=4096, minibatch_size=512, num_epochs=10)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--env-runners", type=int, default=2)
    ap.add_argument("--address", default=None, help="Ray cluster address (auto: the cluster this machine is part of)")
    a = ap.parse_args()
    ray.init(address=a.address)
    algo = ppo_config(a.env_runners).build_algo()
    try:
        for i in range(a.iterations):
            result = algo.train()
            runners = result.get("env_runners", {})
            print(json.dumps({"iteration": i + 1, "episode_return_mean": runners.get("episode_return_mean"),
                              "module_episode_returns_mean": runners.get("module_episode_returns_mean")}))
    finally:
        algo.stop()
        ray.shutdown()


if __name__ == "__main__":
    main()
