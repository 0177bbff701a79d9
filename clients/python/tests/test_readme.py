"""The README's first example runs as written."""

from __future__ import annotations

import re
import subprocess
import sys
import unittest
from pathlib import Path

from .support import BIN, TEST_ENV, data_dir

PACKAGE = Path(__file__).resolve().parents[1]


class ReadmeTest(unittest.TestCase):
    def test_the_example_runs(self):
        example = re.search(r"```python\n(.*?)```", (PACKAGE / "README.md").read_text(), re.S).group(1)
        env = {**TEST_ENV, "PROVIDER_SIDECAR_BIN": BIN, "PYTHONPATH": str(PACKAGE), "XDG_DATA_HOME": data_dir()}
        run = subprocess.run([sys.executable, "-c", example], capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        lines = run.stdout.strip().splitlines()
        self.assertEqual(len(lines), 3, run.stdout)
        for line in lines:
            self.assertRegex(line, r"^\S+/claude-sonnet\S* \d+$")


if __name__ == "__main__":
    unittest.main()
