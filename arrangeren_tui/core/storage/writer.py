"""One writer thread per open session that persists only the newest state.

The UI hands in snapshots (plain dicts, already copied); the thread writes the
newest one and drops the ones it overtook. A failing write never raises into
the UI: it is reported through ``on_result`` and retried, with the state kept
in memory. ``write_now`` writes synchronously from any thread (signal
handlers, quit) and is ordered after any write already under way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Record = dict[str, Any]
SaveFunction = Callable[[Record], None]
ResultCallback = Callable[[bool, BaseException | None], None]


class SaveWriter:
    """Coalescing single-writer queue."""

    def __init__(
        self,
        save: SaveFunction,
        on_result: ResultCallback | None = None,
        *,
        retry_seconds: float = 2.0,
        name: str = "arrangeren-save",
    ) -> None:
        self._save = save
        self._on_result = on_result
        self._retry_seconds = retry_seconds
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self._pending: Record | None = None
        self._pending_seq = 0
        self._written_seq = 0
        self._closing = False
        self._failing = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def failing(self) -> bool:
        """True while the last write attempt failed."""
        return self._failing

    @property
    def pending(self) -> bool:
        with self._cond:
            return self._pending is not None

    def submit(self, record: Record) -> None:
        with self._cond:
            if self._closing:
                return
            self._pending_seq += 1
            self._pending = record
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closing:
                    self._cond.wait()
                if self._pending is None and self._closing:
                    return
                record, seq = self._pending, self._pending_seq
            assert record is not None
            ok = self._write(record, seq)
            if not ok:
                with self._cond:
                    if self._closing:
                        return
                    self._cond.wait(self._retry_seconds)

    def _write(self, record: Record, seq: int, timeout: float = -1) -> bool:
        if not self._write_lock.acquire(timeout=timeout):
            return False
        failure: Exception | None = None
        try:
            if seq <= self._written_seq:
                return True
            try:
                self._save(record)
            except Exception as error:  # noqa: BLE001 - reported, state kept, retried
                self._failing = True
                failure = error
                return False
            self._written_seq = seq
            with self._cond:
                if self._pending_seq == seq:
                    self._pending = None
                self._cond.notify_all()
            self._failing = False
        finally:
            self._write_lock.release()
            if failure is not None:
                self._report(False, failure)
        self._report(True, None)
        return True

    def _report(self, ok: bool, error: BaseException | None) -> None:
        if self._on_result is None:
            return
        try:
            self._on_result(ok, error)
        except Exception:  # noqa: BLE001 - a broken callback must not stop saving
            pass

    def write_now(self, record: Record | None = None, timeout: float = 5.0) -> bool:
        """Write synchronously (the given record, else what is pending); True if on disk."""
        with self._cond:
            if record is not None:
                self._pending_seq += 1
                self._pending = record
            record, seq = self._pending, self._pending_seq
        if record is None:
            return True
        return self._write(record, seq, timeout=timeout)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything submitted is on disk; False on time-out or failure."""
        with self._cond:
            target = self._pending_seq
            return self._cond.wait_for(lambda: self._written_seq >= target, timeout=timeout)

    def close(self, timeout: float = 5.0) -> bool:
        """Write what is pending, then stop the thread; True if nothing was left unsaved."""
        ok = self.write_now(timeout=timeout)
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout=timeout)
        return ok and not self.pending
