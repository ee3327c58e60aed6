"""Invitations per role: read them, copy them into a mail, write them as files or .ics.

Roles whose party the parents did not (yet) agree to invite are listed with the
reason and cannot be written; the answer is given in the voorbereiding.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets.option_list import Option

from arrangeren_tui.core.export.ics import CalendarError, calendar_bytes
from arrangeren_tui.core.export.invitations import (
    InvitationError,
    check_role,
    invitation_event,
    invitation_filename,
    render_invitation,
    role_label,
    roles_for,
)
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.paths import resolve_template_dirs
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.context import AppContext
from arrangeren_tui.ui.screens.export import default_export_dir, write_for_the_file
from arrangeren_tui.ui.widgets.keybar import KeyBar
from arrangeren_tui.ui.widgets.plain import OptionList, Static


class InvitationsScreen(Screen[None]):
    """One line per role on the left, its invitation on the right."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("k", "copy", "Kopiëren", key_display="k", id="invite.copy"),
        Binding("t", "write('tekst')", "Tekst", key_display="t", id="invite.text"),
        Binding("m", "write('md')", "Markdown", key_display="m", id="invite.md"),
        Binding("a", "write('ics')", "Agenda (.ics)", key_display="a", id="invite.ics"),
        Binding("n", "toggle_names", "Naam in agenda", key_display="n", id="invite.names"),
        Binding("escape", "back", "Terug", key_display="Esc", id="invite.back"),
    ]

    def __init__(self, context: AppContext, session: Session) -> None:
        super().__init__()
        self.context = context
        self.session = session
        self.folder: Path = context.export_dir or default_export_dir()
        self.template_dirs: list[Path] | None = context.template_dirs
        self.with_names = False

    def compose(self) -> ComposeResult:
        yield Static("", id="export-title")
        with Horizontal(id="invite-body"):
            yield OptionList(id="invite-roles")
            with VerticalScroll(id="invite-scroll"):
                yield Static("", id="invite-preview")
        yield KeyBar()

    def on_mount(self) -> None:
        if not self.template_dirs:
            self.template_dirs = resolve_template_dirs()
        roles = self.query_one("#invite-roles", OptionList)
        for role in roles_for(self.session):
            mark = "✓" if self._problem(role) == "" else "✗"
            roles.add_option(Option(f"{mark} {role_label(self.session, role)}", id=role))
        roles.highlighted = 0
        roles.focus()
        self._title()

    def _title(self) -> None:
        meta = self.session.meta
        names = "met naam" if self.with_names else "zonder naam"
        self.query_one("#export-title", Static).update(
            f" Uitnodigingen · {one_line(meta.pupil, 24)} · agenda {names} (n)"
        )

    def _problem(self, role: str) -> str:
        try:
            check_role(self.session, role)
        except InvitationError as error:
            return str(error)
        return ""

    @property
    def selected_role(self) -> str | None:
        roles = self.query_one("#invite-roles", OptionList)
        if roles.highlighted is None:
            return None
        return roles.get_option_at_index(roles.highlighted).id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show()

    def _show(self) -> None:
        preview = self.query_one("#invite-preview", Static)
        role = self.selected_role
        if role is None:
            preview.update("")
            return
        try:
            invitation = render_invitation(self.session, role, self.template_dirs or [])
        except InvitationError as error:
            preview.update(f"Geen uitnodiging: {error}.\n\n"
                           "(e op het startscherm, ^X op het arrangeerveld)")
            return
        preview.update(invitation.text)

    def _invitation_bytes(self, role: str, kind: str) -> bytes:
        dirs = self.template_dirs or []
        if kind == "ics":
            event = invitation_event(self.session, role, dirs, with_names=self.with_names)
            stamp = dt.datetime.fromtimestamp(self.context.now(), dt.timezone.utc)
            return calendar_bytes([event], name="Arrangeergesprek", stamp=stamp)
        invitation = render_invitation(self.session, role, dirs)
        return (invitation.markdown if kind == "md" else invitation.text).encode("utf-8")

    def action_write(self, kind: str) -> None:
        role = self.selected_role
        if role is None:
            return
        try:
            data = self._invitation_bytes(role, kind)
        except (InvitationError, CalendarError) as error:
            self.notify(f"Niet geschreven: {error}", severity="warning", timeout=8)
            return
        write_for_the_file(self, self.folder, invitation_filename(self.session.id, role, kind),
                           data, session=(self.context.store.root, self.session.id))

    def action_copy(self) -> None:
        """Copy the plain text through the terminal (OSC 52): works over SSH in most terminals."""
        role = self.selected_role
        if role is None:
            return
        try:
            text = self._invitation_bytes(role, "tekst").decode("utf-8")
        except InvitationError as error:
            self.notify(f"Niet gekopieerd: {error}", severity="warning", timeout=8)
            return
        self.app.copy_to_clipboard(text)
        self.notify("Gekopieerd. Plak het in een mail (werkt de terminal niet mee, "
                    "gebruik dan t voor een tekstbestand).", timeout=6)

    def action_toggle_names(self) -> None:
        self.with_names = not self.with_names
        self._title()

    def action_back(self) -> None:
        self.app.pop_screen()
