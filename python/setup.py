"""Records which npm package this Python package was installed from, so that it finds its CLI.

``pip install ./node_modules/buddy-gym/python`` copies the Python package into site-packages,
away from the npm package's bin/buddy-gym.js; the build writes that package's path into
buddy_gym/_origin.json (in the build, not in the source tree). Metadata is in pyproject.toml.
"""

import json
import os

from setuptools import setup
from setuptools.command.build_py import build_py

NPM_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class RecordOrigin(build_py):
    def run(self):
        super().run()
        if os.path.isfile(os.path.join(NPM_PACKAGE, "bin", "buddy-gym.js")):
            with open(os.path.join(self.build_lib, "buddy_gym", "_origin.json"), "w") as f:
                json.dump({"npm_package": NPM_PACKAGE}, f)


setup(cmdclass={"build_py": RecordOrigin})
