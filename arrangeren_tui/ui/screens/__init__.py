"""The places besides the board: home and its forms, history, planning, voorbereiding,
invitations and export."""
