"""How a store's files are turned into bytes on disk and back: plain, or age-encrypted.

A store carries one codec. The plain codec (every store that was never encrypted) passes
bytes through and refuses a file in the age format, as a file it cannot read (an
``OSError``, never "damaged": nothing may set such a file aside). An encrypted store's
codec (``crypt.AgeCodec``) writes every file encrypted and reads both forms, so a store
whose conversion was interrupted stays readable. Which codec a store has is looked up by
its folder (``codec_for``), so that every part of the program that opens the same folder
(the session store, the planning, the export log, the emergency copies) uses the key
that was unlocked once at the start.

This module needs no cryptography: a plain store never imports ``pyrage``.
"""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

AGE_HEADER = b"age-encryption.org/v1\n"
KEY_NAME = "sleutel.age"  # the store's own age identity, encrypted with the passphrase
# Written when a conversion has left no plain file: from then on a plain file in the store is
# refused (it did not come from this program), until 'arrangeren versleutel' encrypts it.
DONE_NAME = "versleuteling-klaar"
INDEX_FILE = "index.json"  # the store's index (store.INDEX_NAME)
# For scripts and tests: the number of an open file descriptor to read the passphrase from.
PASSPHRASE_FD_ENV = "ARRANGEREN_WACHTWOORD_FD"


class LockedFileError(PermissionError):
    """An encrypted file, read while the store's key is not unlocked in this process."""

    def __init__(self) -> None:
        super().__init__(errno.EACCES, "versleuteld, en het wachtwoord is niet gegeven")


class UndecryptableError(ValueError):
    """An age file that does not decrypt with the store's key: changed or damaged."""


class Codec:
    """The plain codec: bytes as they are."""

    encrypted = False
    # An encrypted codec reads plain files only while the store's conversion is unfinished.
    accept_plain = True

    def encode(self, payload: bytes) -> bytes:
        return payload

    def decode(self, raw: bytes) -> bytes:
        if raw.startswith(AGE_HEADER):
            raise LockedFileError()
        return raw


PLAIN = Codec()

_unlocked: dict[str, Codec] = {}
_registry_lock = threading.Lock()


def _key(root: Path) -> str:
    return os.path.abspath(root)


def register(root: Path, codec: Codec) -> None:
    """Use ``codec`` for every file of the store in ``root`` from now on (this process)."""
    with _registry_lock:
        _unlocked[_key(root)] = codec


def forget(root: Path) -> None:
    """Lock the store again in this process (tests, and a store that is gone)."""
    with _registry_lock:
        _unlocked.pop(_key(root), None)


def codec_for(root: Path) -> Codec:
    """The codec unlocked for this store, or the plain one."""
    return _unlocked.get(_key(root), PLAIN)


def codec_for_writing(root: Path) -> Codec:
    """The codec to write with; ``LockedFileError`` rather than a plain file in an encrypted
    store whose key is not unlocked (no path of the program should get there)."""
    codec = codec_for(root)
    if not codec.encrypted and is_encrypted(root):
        raise LockedFileError()
    return codec


def is_encrypted(root: Path) -> bool:
    """True if the store has a key: it is encrypted (or its conversion began); also when
    its key is gone while its data is encrypted (``key_missing``): such a store is never
    written plain and never given a second key."""
    return (Path(root) / KEY_NAME).is_file() or key_missing(root)


def key_missing(root: Path) -> bool:
    """True if ``sleutel.age`` is gone from a store whose data is encrypted: its conversion
    was finished, or its index (written last, and encrypted whenever the key is open) is an
    age file. Deleted, or not restored with the rest: without it nothing can be read."""
    root = Path(root)
    if (root / KEY_NAME).is_file():
        return False
    if (root / DONE_NAME).is_file():
        return True
    try:
        with open(root / INDEX_FILE, "rb") as index:
            return index.read(len(AGE_HEADER)) == AGE_HEADER
    except OSError:
        return False


def conversion_done(root: Path) -> bool:
    """True once ``arrangeren versleutel`` finished the store: no plain file is expected."""
    return (Path(root) / DONE_NAME).is_file()


def needs_passphrase(root: Path) -> bool:
    """True if the store is encrypted and its key is not unlocked in this process."""
    return not codec_for(root).encrypted and is_encrypted(root)
