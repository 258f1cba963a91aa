"""PettingZoo's own checks (parallel_api_test, parallel_seed_test) on every registered env and
preset, through the bridge. One server per configuration (over TCP: each connection gets its
own env) keeps this to one Node.js start per configuration instead of three."""

from __future__ import annotations

import contextlib
import io
import unittest
import warnings
from concurrent.futures import ThreadPoolExecutor

import buddy_gym
from pettingzoo.test import parallel_api_test, parallel_seed_test

from .support import configs, tcp_server


def check(env_id: str, preset: str | None) -> None:
    flags = ["--num-envs", "1", "--autoreset", "disabled"] + (["--preset", preset] if preset else [])
    with tcp_server(env_id, *flags) as address:
        env = buddy_gym.parallel_env(env_id, address=address)
        parallel_api_test(env, num_cycles=1000)
        env.close()
        parallel_seed_test(lambda: buddy_gym.parallel_env(env_id, address=address))


class PettingZooChecks(unittest.TestCase):
    def test_every_env_and_preset_passes_parallel_api_test_and_parallel_seed_test(self):
        found = configs()
        self.assertGreaterEqual(len(found), 5 + 14, "the five envs and their fourteen presets")
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()) as out:
            # PettingZoo's API test resets with options={"options": 1}; the bridge drops that key with a warning.
            warnings.filterwarnings("ignore", message=r".*reset option\(s\) 'options' ignored")
            with ThreadPoolExecutor(max_workers=3) as pool:  # the work is the Node servers'
                results = {config: pool.submit(check, *config) for config in found}
                for (env_id, preset), result in results.items():
                    with self.subTest(env=env_id, preset=preset):
                        result.result()
        self.assertEqual(out.getvalue().count("Passed Parallel API test"), len(found))


if __name__ == "__main__":
    unittest.main()
