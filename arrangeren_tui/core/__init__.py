"""The Textual-free core: veld definition, session model, clock, store.

Nothing in this package may import Textual; a test enforces it.
"""
