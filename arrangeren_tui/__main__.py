"""`python -m arrangeren_tui` runs the same CLI as the `arrangeren` script (``run``)."""

import gc


def run() -> int:
    """The `arrangeren` command: ``cli.main.main``, with its modules loaded without
    garbage collection.

    What the program's modules create while they load lives on, so the collector's
    passes over it (some 28 of them, 10-25 ms of every start) find nothing. ``main``
    turns it back on: at once for the commands without a screen, after the first frame
    for the screens (see ``cli.main.run_app``). And the methods of their dataclasses come
    compiled from the cache (``methodcache``).
    """
    gc.disable()
    # Before any dataclass is created (see ``methodcache``); written back when the
    # program ends, if this run compiled anything new.
    import atexit

    from arrangeren_tui import methodcache
    from arrangeren_tui.core.paths import method_cache_path

    methodcache.install(method_cache_path())
    atexit.register(methodcache.save)
    from arrangeren_tui.cli.main import main

    return main()


if __name__ == "__main__":
    raise SystemExit(run())
