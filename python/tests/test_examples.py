"""examples/ray and examples/rllib: what can be checked without Ray runs everywhere; what needs
Ray or RLlib runs where they import (neither is in CI: see docs/distributed.md)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import unittest
import warnings

import numpy as np
from pettingzoo.test import parallel_api_test, parallel_seed_test

from .support import NODE, ROOT

sys.path[:0] = [str(ROOT / "examples" / "ray"), str(ROOT / "examples" / "rllib")]
import eval_sweep  # noqa: E402
import market_env  # noqa: E402


def importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None and __import__(module) is not None
    except Exception:  # RLlib's import fails inside (dm-tree missing), not at find_spec
        return False


HAVE_RAY = importable("ray")
HAVE_RLLIB = HAVE_RAY and importable("ray.rllib")


class RaySweep(unittest.TestCase):
    def test_a_cell_played_in_python_equals_buddy_gym_play_with_the_same_baselines(self):
        # Honest goals (e = g) and greedy users (top N by q . e) written in Python over the
        # bridge reproduce the TypeScript baselines' mean regret: the rounds are the same, only
        # the order of the sums over them differs (hence 1e-12, not bit equality).
        cell = eval_sweep.play_cell("honest", "greedy", 0, 16, {})
        out = subprocess.run([NODE, str(ROOT / "bin" / "buddy-gym.js"), "play", "attention-market-v0", "--goals", "honest", "--users", "greedy",
                              "--episodes", "16", "--seed", "0", "--json"], capture_output=True, text=True, timeout=120, check=True)
        node = json.loads(out.stdout)["metrics"]["meanRegret"]["mean"]
        self.assertAlmostEqual(float(np.mean(cell["regret"])), node, delta=1e-12 * node)

    @unittest.skipUnless(HAVE_RAY, "Ray is not installed here (it is kept out of CI; see docs/distributed.md)")
    def test_the_sweep_as_ray_tasks_equals_the_sweep_in_one_process(self):
        todo = eval_sweep.cells(blocks=2, episodes=4, seed=3)
        options = {"rounds": 4}
        self.assertEqual(eval_sweep.run_ray(todo, 4, options, None), eval_sweep.run_local(todo, 4, options))


class RLlibExample(unittest.TestCase):
    def test_its_env_passes_pettingzoo_api_and_seed_tests(self):
        env = market_env.make_env({"options": {"rounds": 4}})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parallel_api_test(env, num_cycles=100)
        parallel_seed_test(lambda: market_env.make_env({"options": {"rounds": 4}}))
        env.reset(seed=0)
        obs, *_ = env.step({a: env.action_space(a).sample() for a in env.agents})
        self.assertEqual(obs["user_0"][-1], 1.0)  # users act next
        self.assertEqual(obs["goal_0"][-1], 0.0)
        self.assertEqual(env.action_space("user_0").shape, (16,))  # P scores
        self.assertEqual(env.action_space("goal_0").shape, (32,))  # M * D
        env.close()

    @unittest.skipUnless(HAVE_RLLIB, "RLlib does not import here (it needs dm-tree, which this machine's package index lacks)")
    def test_the_script_imports_and_its_env_builds_through_parallel_pettingzoo_env(self):
        import ppo_attention_market as script
        from ray.rllib.env.wrappers.pettingzoo_env import ParallelPettingZooEnv

        config = script.ppo_config(env_runners=0, options={"rounds": 4})
        self.assertEqual(set(config.policies), {"goal", "user"})
        self.assertEqual(script.side_of("goal_3"), "goal")
        env = ParallelPettingZooEnv(market_env.make_env(config.env_config))
        obs, _ = env.reset(seed=0)
        self.assertEqual(set(obs), set(env.possible_agents))
        env.step(env.action_space.sample())
        env.close()


if __name__ == "__main__":
    unittest.main()
