"""The encrypted store: the age format, with the store's own key protected by a passphrase.

The store holds one X25519 identity (``sleutel.age``), itself age-encrypted with the
passphrase (an scrypt recipient: the slow step, once per start). Every data file is
age-encrypted to that identity's recipient, which costs well under a millisecond a file,
so a store of 1,000 sessions opens as fast as a plain one. Changing the passphrase
rewrites only ``sleutel.age``. Everything is the standard age format: with this program
gone, ``age -d sleutel.age > sleutel.txt`` (asks the passphrase) and
``age -d -i sleutel.txt 20261123-abcd.json`` read a session.

``pyrage`` (the Rust ``rage`` implementation of age) is imported here only, and this
module only when a store is encrypted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyrage

from arrangeren_tui.core.storage.codec import (
    AGE_HEADER,
    KEY_NAME,
    PASSPHRASE_FD_ENV,
    Codec,
    UndecryptableError,
    codec_for,
    conversion_done,
    key_missing,
    register,
)
from arrangeren_tui.core.storage.files import atomic_write_bytes

MIN_PASSPHRASE = 8
LOST_WARNING = (
    "Let op: wie het wachtwoord vergeet, is de gesprekken kwijt. Niemand kan ze dan nog "
    "openen, ook de makers van arrangeren niet. Bewaar het wachtwoord op een veilige plek."
)


class CryptError(Exception):
    """A problem with the store's key or passphrase, worded in Dutch."""


KEY_GONE = (f"de sleutel van de opslag ({KEY_NAME}) ontbreekt, maar de gegevens zijn "
            f"versleuteld: zet {KEY_NAME} terug (uit een back-up); zonder dat bestand is niets "
            f"te openen en komt er geen nieuwe sleutel")


class WrongPassphraseError(CryptError):
    def __init__(self) -> None:
        super().__init__("het wachtwoord is onjuist; er is niets veranderd")


NOT_ENCRYPTED = ("het bestand is niet versleuteld, in een versleutelde opslag (draai "
                 "'arrangeren versleutel' als het van jou is)")


class AgeCodec(Codec):
    """Every file age-encrypted to the store's own identity.

    Plain files still read while the conversion is unfinished (``accept_plain``); once it
    is done, a plain file is refused as one that does not decrypt.
    """

    encrypted = True

    def __init__(self, identity: pyrage.x25519.Identity, *, accept_plain: bool = True) -> None:
        self._identity = identity
        self._recipients = [identity.to_public()]
        self.accept_plain = accept_plain

    def encode(self, payload: bytes) -> bytes:
        return bytes(pyrage.encrypt(payload, self._recipients))

    def decode(self, raw: bytes) -> bytes:
        if not raw.startswith(AGE_HEADER):
            if self.accept_plain:
                return raw  # not yet converted (or written before the conversion)
            raise UndecryptableError(NOT_ENCRYPTED)
        try:
            return bytes(pyrage.decrypt(raw, [self._identity]))
        except pyrage.DecryptError:
            raise UndecryptableError(
                "het kan niet ontsleuteld worden (veranderd of beschadigd)") from None


def key_path(root: Path) -> Path:
    return Path(root) / KEY_NAME


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise CryptError(f"het wachtwoord moet minstens {MIN_PASSPHRASE} tekens hebben")
    if passphrase != passphrase.strip():
        raise CryptError("het wachtwoord mag niet met een spatie beginnen of eindigen")


def _write_key(root: Path, identity: pyrage.x25519.Identity, passphrase: str) -> None:
    sealed = pyrage.passphrase.encrypt(str(identity).encode("ascii"), passphrase)
    atomic_write_bytes(key_path(root), bytes(sealed), keep_backup=False)


def create_key(root: Path, passphrase: str) -> AgeCodec:
    """Give an (existing) store folder its own key, sealed with ``passphrase``; the codec.

    The key file is the first thing written: from then on every save is encrypted, and
    files not yet converted still read.
    """
    check_new_passphrase(passphrase)
    if key_path(root).exists():
        raise CryptError("deze opslag heeft al een sleutel")
    if key_missing(root):
        raise CryptError(KEY_GONE)  # a second key would leave every file unreadable
    identity = pyrage.x25519.Identity.generate()
    _write_key(root, identity, passphrase)
    codec = AgeCodec(identity)
    register(root, codec)
    return codec


# What rage says when the passphrase opened the key's header but the file is damaged
# after it (a header whose MAC does not match, or a payload that does not decrypt), or when
# the file is not an age file at all (a damaged header line, e.g. a MAC that is no longer
# base64). A wrong passphrase is "Decryption failed"; anything not recognised stays
# "wrong passphrase".
_DAMAGE_AFTER_THE_PASSPHRASE = ("Header MAC is invalid", "decryption error")
_NOT_AN_AGE_FILE = "Unknown age format"


def _damaged_key(root: Path) -> CryptError:
    return CryptError(f"de sleutel van de opslag ({key_path(root)}) is beschadigd: zet "
                      f"{KEY_NAME} terug uit een back-up; er is niets veranderd")


def _sealed_whole(sealed: bytes) -> bool:
    """Whether ``sealed`` has the shape of an age file sealed with a passphrase: the
    version line, one scrypt stanza (salt, work factor, wrapped key), the MAC line and a
    payload of at least a nonce and one tag. A cut-off or overwritten key file is told
    from a wrong passphrase by this (the passphrase cannot be checked against it); it is
    asked only once the key did not open."""
    lines = sealed.split(b"\n", 3)
    if len(lines) != 4 or lines[0] != b"age-encryption.org/v1":
        return False
    stanza = lines[1].split(b" ")
    return (len(stanza) == 4 and stanza[:2] == [b"->", b"scrypt"] and stanza[3].isdigit()
            and len(lines[2]) == 43 and lines[3].startswith(b"--- ")
            and len(lines[3].split(b"\n", 1)[-1]) >= 32)


def _open_key(root: Path, passphrase: str) -> pyrage.x25519.Identity:
    try:
        sealed = key_path(root).read_bytes()
    except FileNotFoundError:
        raise CryptError(KEY_GONE if key_missing(root)
                         else "deze opslag is niet versleuteld") from None
    try:
        secret = bytes(pyrage.passphrase.decrypt(sealed, passphrase))
    except pyrage.DecryptError as error:
        # Only after a refusal: a key that opens is never called damaged by this check.
        if (str(error) in _DAMAGE_AFTER_THE_PASSPHRASE
                or str(error).startswith(_NOT_AN_AGE_FILE) or not _sealed_whole(sealed)):
            raise _damaged_key(root) from None
        raise WrongPassphraseError() from None
    try:
        return pyrage.x25519.Identity.from_str(secret.decode("ascii").strip())
    except (UnicodeDecodeError, pyrage.IdentityError):
        raise _damaged_key(root) from None


def unlock(root: Path, passphrase: str) -> AgeCodec:
    """Open the store's key with the passphrase (scrypt: about a second) and use it."""
    codec = AgeCodec(_open_key(root, passphrase), accept_plain=not conversion_done(root))
    register(root, codec)
    return codec


def change_passphrase(root: Path, old: str, new: str) -> None:
    """Seal the store's key with a new passphrase; no data file changes."""
    check_new_passphrase(new)
    identity = _open_key(root, old)
    _write_key(root, identity, new)
    register(root, AgeCodec(identity, accept_plain=not conversion_done(root)))


def unlock_memory_mib(root: Path) -> int | None:
    """How much memory opening the key takes (scrypt, r = 8: 1 KiB times 2^log_n).

    rage chooses the work factor when the key is sealed, so that opening takes about a
    second on that computer; a fast computer therefore makes a key that needs more memory.
    """
    try:
        header = key_path(root).read_bytes().split(b"\n", 2)[1].split()
    except (OSError, IndexError):
        return None
    if len(header) != 4 or header[:2] != [b"->", b"scrypt"] or not header[3].isdigit():
        return None
    return int(2 ** int(header[3]) // 1024)


def passphrase_from_fd() -> str | None:
    """The passphrase from the file descriptor named in ``$ARRANGEREN_WACHTWOORD_FD``
    (for scripts and tests: never an argument, never the value of a variable)."""
    value = os.environ.get(PASSPHRASE_FD_ENV)
    if not value:
        return None
    try:
        fd = int(value)
    except ValueError:
        raise CryptError(f"{PASSPHRASE_FD_ENV} moet een bestandsnummer zijn") from None
    line = bytearray()
    try:
        while True:  # a byte at a time: the next line (a new passphrase) stays unread
            byte = os.read(fd, 1)
            if not byte or byte == b"\n":
                break
            line += byte
    except OSError:
        raise CryptError(f"kan het wachtwoord niet lezen uit bestandsnummer {fd}") from None
    return line.decode("utf-8", "replace").rstrip("\r")


def is_unlocked(root: Path) -> bool:
    return codec_for(root).encrypted
