"""A log of unexpected errors that never holds what people typed.

An exception's message or its local variables may contain note text, so the
log keeps only what describes the program: the exception's type, an OS error's
number and description, and each frame's file, line, function and source line.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import traceback
from pathlib import Path

from arrangeren_tui import __version__
from arrangeren_tui.core.storage.files import FILE_MODE, O_BINARY, restrict

LOG_NAME = "fouten.log"
MAX_LOG_BYTES = 256 * 1024


def describe_error(error: BaseException) -> list[str]:
    """The lines the log keeps for one exception (and its causes)."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        if isinstance(current, OSError) and current.errno is not None:
            kind += f" [errno {current.errno}: {current.strerror}]"
        lines.append(f"{kind}")
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {frame.filename}:{frame.lineno} in {frame.name}")
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("veroorzaakt door / tijdens:")
    return lines


def write_crash_log(folder: Path, error: BaseException, context: str = "") -> Path | None:
    """Append one entry to ``folder/fouten.log`` (0600 where files have modes); None if that
    is impossible."""
    path = folder / LOG_NAME
    stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    entry = [
        f"=== {stamp} arrangeren {__version__}, Python {platform.python_version()} ===",
        *( [f"context: {context}"] if context else [] ),
        *describe_error(error),
        "",
    ]
    data = ("\n".join(entry) + "\n").encode("utf-8", "replace")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            old = path.read_bytes()[-MAX_LOG_BYTES // 2 :]
            path.write_bytes(old)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | O_BINARY, FILE_MODE)
        try:
            restrict(fd)
            os.write(fd, data)
        finally:
            os.close(fd)
    except OSError:
        return None
    return path
