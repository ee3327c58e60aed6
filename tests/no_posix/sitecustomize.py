"""Python as on Windows, as far as arrangeren's own code can tell: no POSIX-only API.

Put this folder first on PYTHONPATH and Python imports it at start-up, before anything
else: ``import fcntl``, ``termios`` and ``tty`` fail, and ``os.fchmod``, ``os.fchown``,
``os.O_DIRECTORY``, ``os.pwrite``, ``os.pread`` and ``signal.SIGHUP`` are gone.
``tests/test_portable.py`` runs the store, the lock, the saves, the exports and the CLI
this way. It is not Windows: paths, file locking and the console are still Linux's; see
the README.
"""

import os
import signal
import sys

GONE_FROM_OS = ("fchmod", "fchown", "O_DIRECTORY", "pwrite", "pread")
GONE_MODULES = ("fcntl", "termios", "tty")


class _NoPosixModules:
    """Refuses to import the modules Windows does not have."""

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001, ANN201
        if name in GONE_MODULES:
            raise ImportError(f"No module named {name!r} (Windows-emulatie)", name=name)
        return None


for _name in GONE_MODULES:
    sys.modules.pop(_name, None)
sys.meta_path.insert(0, _NoPosixModules())
for _name in GONE_FROM_OS:
    if hasattr(os, _name):
        delattr(os, _name)
if hasattr(signal, "SIGHUP"):
    del signal.SIGHUP
os.environ["ARRANGEREN_NO_POSIX"] = "1"
