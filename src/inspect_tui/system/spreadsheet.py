"""openpyxl, loaded without its optional numpy support: the one place that imports it first.

openpyxl reads the .xlsx files a user imports (services/importing/xlsxread.py). The
reports write theirs without it (render/xlsx_file.py, since 2026-12-07).

When numpy is installed, openpyxl imports it at its own import only to accept numpy's
number types in cells (openpyxl/compat/numbers.py). The app never hands it a numpy value,
and numpy's import was 280 ms of openpyxl's 620 ms (cProfile of `report monthly --format
xlsx`, 2026-12-04): every xlsx written or read paid it wherever numpy happened to be
installed (the test and bench environments, a user's shared Python). ``load()`` makes
``import numpy`` fail for the length of openpyxl's first import and then undoes that, so
numpy stays importable for anything else.
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType

_lock = threading.Lock()


def load() -> ModuleType:
    """The openpyxl package, imported on first call (later calls: the loaded module)."""
    loaded = sys.modules.get("openpyxl")
    if loaded is not None:
        return loaded
    with _lock:
        if "numpy" in sys.modules:  # already paid for: openpyxl may as well know it
            return importlib.import_module("openpyxl")
        sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
        try:
            return importlib.import_module("openpyxl")
        finally:
            if sys.modules.get("numpy", ...) is None:
                del sys.modules["numpy"]
