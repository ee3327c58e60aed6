"""The store on a real FAT and exFAT file system: a USB stick, as far as a test can have one.

A small image is made and mounted for each test (as root): with the kernel's vfat/exfat
driver where there is one, else through FUSE (fusefat, exfat-fuse). Without root, the
tools or /dev/fuse the tests skip and say what is missing; on Debian or Ubuntu:

    apt-get install -y dosfstools fusefat exfatprogs exfat-fuse

FAT and exFAT have no hard links, no file modes and no owner: the previous version is
copied (tests/test_portable.py tests that path on its own), chmod fails, and the lock is
the kernel's flock on a FUSE or vfat file.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import T0, demo_session
from portable_scenario import run as run_scenario

from arrangeren_tui.core.storage import files as storage
from arrangeren_tui.core.storage.files import backup_path
from arrangeren_tui.core.storage.store import SessionStore

ROOT = Path(__file__).resolve().parent.parent
IMAGE_MIB = 64
INSTALL = "apt-get install -y dosfstools fusefat exfatprogs exfat-fuse"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="mounts a FAT image the Linux way")


def _run(*argv: str) -> bool:
    return subprocess.run(argv, capture_output=True, timeout=60).returncode == 0


def _kernel_has(fs: str) -> bool:
    try:
        return any(line.split()[-1] == fs
                   for line in Path("/proc/filesystems").read_text().splitlines() if line)
    except OSError:
        return False


class Mount:
    """An image file mounted at a folder; ``close`` undoes every step that was done."""

    def __init__(self, base: Path, kind: str) -> None:
        self.image = base / f"{kind}.img"
        self.point = base / f"{kind}-mnt"
        self.loop = ""
        self.mounted = False
        self.kind = kind

    def open(self) -> str | None:
        """Mount; None if done, else why the test must be skipped."""
        if os.geteuid() != 0:
            return "mounting an image needs root"
        mkfs = {"fat": shutil.which("mkfs.fat") or shutil.which("mkfs.vfat"),
                "exfat": shutil.which("mkfs.exfat")}[self.kind]
        if mkfs is None:
            package = "dosfstools" if self.kind == "fat" else "exfatprogs"
            return f"mkfs for {self.kind} is missing (apt-get install -y {package})"
        self.point.mkdir()
        with open(self.image, "wb") as image:
            image.truncate(IMAGE_MIB * 1024 * 1024)
        if not _run(mkfs, str(self.image)):
            return f"{mkfs} failed"
        kernel = "vfat" if self.kind == "fat" else "exfat"
        if _kernel_has(kernel) and _run("mount", "-t", kernel, "-o", "loop", str(self.image),
                                        str(self.point)):
            self.mounted = True
            return None
        if not Path("/dev/fuse").exists():
            return f"the kernel has no {kernel} driver and there is no /dev/fuse"
        if self.kind == "fat":
            fuse = shutil.which("fusefat")
            if fuse is None:
                return f"the kernel has no vfat driver and fusefat is missing ({INSTALL})"
            self.mounted = _run(fuse, "-o", "rw+", str(self.image), str(self.point))
        else:
            fuse = shutil.which("mount.exfat-fuse")
            if fuse is None:
                return f"the kernel has no exfat driver and exfat-fuse is missing ({INSTALL})"
            result = subprocess.run(["losetup", "-f", "--show", str(self.image)],
                                    capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                return f"no loop device: {result.stderr.strip()}"
            self.loop = result.stdout.strip()
            self.mounted = _run(fuse, self.loop, str(self.point))
        return None if self.mounted else f"{fuse} could not mount the image"

    def close(self) -> None:
        if self.mounted:
            for _attempt in range(20):
                if _run("umount", str(self.point)):
                    break
                time.sleep(0.25)
            else:
                _run("umount", "-l", str(self.point))
        if self.loop:
            _run("losetup", "-d", self.loop)
        self.image.unlink(missing_ok=True)


@pytest.fixture(params=["fat", "exfat"])
def usb(request, tmp_path_factory) -> Iterator[Path]:
    """A freshly made and mounted FAT or exFAT file system; unmounted whatever happens."""
    mount = Mount(tmp_path_factory.mktemp("usb"), request.param)
    try:
        reason = mount.open()
        if reason is not None:
            pytest.skip(reason)
        yield mount.point
    finally:
        mount.close()


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ARRANGEREN_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setattr(storage, "_linkless_devices", set())


def test_the_whole_walk_on_a_usb_stick(usb: Path) -> None:
    """New, saves with .bak, lock and kill -9, exports, planning, herstel, delete."""
    with pytest.raises(OSError):
        (usb / "a").write_text("x")
        os.link(usb / "a", usb / "b")
    (usb / "a").unlink()
    seen = run_scenario(usb / "walk")
    assert seen["backup"] and seen["lock"] and seen["planning"] and seen["delete"]
    assert storage._linkless_devices == {(usb / "walk" / "store").stat().st_dev}


_SAVER = (
    "import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + '/tests')\n"
    "from pathlib import Path\n"
    "from arrangeren_tui.core.storage.store import SessionStore\n"
    "store = SessionStore(Path(sys.argv[2])); session = store.load(sys.argv[3])\n"
    "lock = store.lock(session.id); assert lock.acquire()\n"
    "store.remove_temp_files(session.id)\n"
    "while True:\n"
    "    session.add_note('n' * 2000, 0.0)\n"
    "    store.save(session)\n"
    "    print(len(session.notes), flush=True)\n"
)


def test_kill_9_during_saves_leaves_a_readable_file_and_backup(usb: Path, veld) -> None:
    store = SessionStore(usb / "store")
    store.ensure()
    session = demo_session(veld, T0)
    store.save(session)
    acknowledged = len(session.notes)
    rng = random.Random(16)
    for _round in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", _SAVER, str(ROOT), str(store.root), session.id],
            stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        for _ in range(rng.randint(1, 4)):
            acknowledged = int(child.stdout.readline())
        time.sleep(rng.random() * 0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        loaded = store.load(session.id)  # never damaged, never empty
        assert len(loaded.notes) >= acknowledged
        previous = json.loads(backup_path(store.path_for(session.id)).read_text("utf-8"))
        assert isinstance(previous, dict)
        assert not store.in_use(session.id)  # the killed saver's lock is gone
    assert store.remove_temp_files(session.id) >= 0
    assert not list(store.root.glob(".*.tmp"))
