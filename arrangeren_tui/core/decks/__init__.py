"""Card decks: suggestions per party, written as plain Markdown files.

- ``types``: the card, the deck and a problem, and the text rules (ids, titles);
- ``parse``: one deck file's Markdown to cards and ``file:line`` problems (markdown-it);
- ``load``: folders in order of priority, merged, with a parse cache between starts;
- ``write``: a new (blanco) card appended to the user's own deck.

Import the module you need; this package imports nothing, so loading cached
cards never loads markdown-it.
"""
