"""The live meeting: the board screen, its widgets, the afspraken table and the overview."""
