"""``vcall.locust`` without Locust installed: one clear line on what to install."""

from __future__ import annotations

import subprocess
import sys


def test_without_locust_the_import_error_says_which_extra_to_install() -> None:
    code = "import sys; sys.modules['locust'] = None; import vcall.locust"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == (
        "ModuleNotFoundError: vcall.locust needs Locust: pip install 'vcall[locust]'"
    )
