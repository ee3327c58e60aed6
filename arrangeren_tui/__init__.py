"""arrangeren: the arrangeerveld of an Arrangeergesprek in the terminal."""

__version__ = "0.1.0"
