"""Runs every test_* function of the test_*.py files beside it and prints `N passed, N failed`
on its own line. Usage: python3 run.py (the generated module and library on PYTHONPATH)."""

import importlib
import pathlib
import sys
import traceback

here = pathlib.Path(__file__).parent
sys.path.insert(0, str(here))
passed = failed = 0
for path in sorted(here.glob("test_*.py")):
    module = importlib.import_module(path.stem)
    for name in sorted(n for n in dir(module) if n.startswith("test_")):
        try:
            getattr(module, name)()
            passed += 1
            print(f"ok   {path.stem}.{name}")
        except Exception:
            failed += 1
            print(f"FAIL {path.stem}.{name}")
            traceback.print_exc()
    teardown = getattr(module, "teardown_module", None)
    if teardown:
        teardown()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
