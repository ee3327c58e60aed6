"""Textual's text widgets with markup off: what they show here may hold what people typed
or what the system said (a pupil's name, a card's title, a folder, an error's text).

Textual reads the ``str`` given to a ``Static``, ``Label`` or ``OptionList`` as markup:
``[/]`` raised ``MarkupError`` while the screen was drawn and stopped the program, ``[b]``
made the rest bold. Every module of the app takes these three from here; the app itself
writes no markup (its styles are ``Text`` styles and CSS).
"""

from __future__ import annotations

from typing import Any

from textual import widgets
from textual.visual import VisualType


class Static(widgets.Static):
    def __init__(self, content: VisualType = "", *, markup: bool = False,
                 **options: Any) -> None:
        super().__init__(content, markup=markup, **options)


class Label(widgets.Label):
    def __init__(self, content: VisualType = "", *, markup: bool = False,
                 **options: Any) -> None:
        super().__init__(content, markup=markup, **options)


class OptionList(widgets.OptionList):
    def __init__(self, *content: Any, markup: bool = False,
                 **options: Any) -> None:
        super().__init__(*content, markup=markup, **options)
