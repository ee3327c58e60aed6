"""``arrangeren versleutel`` and ``arrangeren wachtwoord``, and the passphrase of every other
command on an encrypted store.

The passphrase is asked with a hidden prompt (``getpass``) on the terminal, never taken
from the command line. Scripts and tests give it on a file descriptor named in
``$ARRANGEREN_WACHTWOORD_FD`` (as ``gpg --passphrase-fd`` does): the passphrase then
stays out of the process list, the environment and the shell history. Imported only
when a store is encrypted or one of the two commands runs (it loads ``pyrage``).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from arrangeren_tui.cli.args import fail
from arrangeren_tui.core.storage import crypt
from arrangeren_tui.core.storage.codec import is_encrypted, key_missing
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.exitcodes import EXIT_ERROR, EXIT_USAGE


def _from_fd() -> str | None:
    """The passphrase from ``$ARRANGEREN_WACHTWOORD_FD``, None if it is not set."""
    try:
        return crypt.passphrase_from_fd()
    except crypt.CryptError as error:
        fail(f"{error}; er is niets veranderd", EXIT_USAGE)


def _ask(prompt: str) -> str:
    """One passphrase: from the descriptor if one is named, else hidden from the terminal."""
    given = _from_fd()
    if given is not None:
        return given
    if not sys.stdin.isatty():
        fail("de opslag is versleuteld: geef het wachtwoord in een terminal (of, voor "
             f"scripts, via een bestandsnummer in {crypt.PASSPHRASE_FD_ENV})", EXIT_USAGE)
    try:
        return getpass.getpass(prompt)
    except EOFError:
        fail("geen wachtwoord gegeven; er is niets veranderd", EXIT_USAGE)


def _ask_new() -> str:
    """A new passphrase, typed twice (once from a descriptor)."""
    fd_given = _from_fd()
    if fd_given is not None:
        first = second = fd_given
    else:
        first = _ask("Nieuw wachtwoord: ")
        second = _ask("Nog een keer: ")
    if first != second:
        fail("de twee wachtwoorden zijn niet gelijk; er is niets veranderd")
    try:
        crypt.check_new_passphrase(first)
    except crypt.CryptError as error:
        fail(f"{error}; er is niets veranderd")
    return first


def unlock_store(store: SessionStore) -> None:
    """Ask the passphrase of an encrypted store (once per process) and unlock it."""
    if not store.locked:
        return
    if key_missing(store.root):
        fail(crypt.KEY_GONE)
    passphrase = _ask(f"Wachtwoord van de opslag {store.root}: ")
    try:
        crypt.unlock(store.root, passphrase)
    except crypt.CryptError as error:
        fail(str(error))


def _say_unlock_cost(store: SessionStore) -> None:
    memory = crypt.unlock_memory_mib(store.root)
    if memory is not None:
        print(f"De sleutel openen kost bij elke start ongeveer een seconde en kort {memory} MiB "
              "geheugen (afgestemd op deze computer).")


def cmd_encrypt(args: argparse.Namespace, store: SessionStore) -> int:
    """Encrypt the store: make its key (or unlock it) and convert every plain file."""
    from arrangeren_tui.core.encryption import encrypt_store
    from arrangeren_tui.core.storage.exportlog import EXPORTS_DIRNAME

    store.ensure()
    if is_encrypted(store.root):
        unlock_store(store)
        sys.stderr.write("De opslag heeft al een sleutel; wat nog niet versleuteld is, "
                         "wordt het nu.\n")
    else:
        # A window that has a session open would go on writing without the key; its saves
        # would then fail. So the first run waits until every window is closed.
        open_now = [i for i in store.session_ids() if store.in_use(i)]
        if open_now:
            fail(f"gesprek {open_now[0]} staat open in een ander venster; sluit eerst elk "
                 "venster van arrangeren; er is niets veranderd")
        sys.stderr.write(f"{crypt.LOST_WARNING}\n")
        passphrase = _ask_new()
        try:
            crypt.create_key(store.root, passphrase)
        except crypt.CryptError as error:
            fail(str(error))
    result = encrypt_store(store, store.codec)
    _say_unlock_cost(store)
    if result.converted or result.already:
        print(f"Versleuteld: {len(result.converted)} bestanden"
              + (f" ({result.already} waren het al)" if result.already else "")
              + f", in {store.root}.")
    else:
        print(f"De opslag {store.root} is versleuteld; alles wat erin komt, wordt versleuteld.")
    if result.rescues:
        print(f"{result.rescues} noodkopieën van vóór het versleutelen versleuteld.")
    if result.removed_temp:
        print(f"{result.removed_temp} achtergebleven tijdelijke bestanden opgeruimd.")
    exports = sorted(p for p in (store.root / EXPORTS_DIRNAME).glob("*.json"))
    print("Verslagen, uitnodigingen en agenda's die al geschreven zijn, blijven leesbaar "
          "(ze zijn gemaakt om te delen); 'arrangeren delete' ruimt ze mee op."
          + (f" Er zijn er bijgehouden voor {len(exports)} gesprekken." if exports else ""))
    print("Let op: oude, onversleutelde versies kunnen nog op de schijf staan tot ze "
          "overschreven zijn; gebruik ook de schijfversleuteling van de computer.")
    if result.busy:
        sys.stderr.write(
            f"arrangeren: {len(result.busy)} gesprek(ken) staan open in een ander venster en "
            f"zijn nog niet versleuteld ({', '.join(result.busy[:5])}); sluit ze en draai "
            "'arrangeren versleutel' opnieuw\n")
        return EXIT_ERROR
    return 0


def cmd_passphrase(args: argparse.Namespace, store: SessionStore) -> int:
    """Change the passphrase: only the store's key file is written anew."""
    if not is_encrypted(store.root):
        fail("deze opslag is niet versleuteld; versleutel hem met: arrangeren versleutel")
    old = _ask("Huidig wachtwoord: ")
    sys.stderr.write(f"{crypt.LOST_WARNING}\n")
    new = _ask_new()
    try:
        crypt.change_passphrase(store.root, old, new)
    except crypt.CryptError as error:
        fail(str(error))
    print("Het wachtwoord is veranderd; het oude werkt niet meer.")
    _say_unlock_cost(store)
    return 0
