"""How wide a text is in DejaVu Sans, so the foto can wrap every text inside its box.

The advance widths of the shipped fonts (``arrangeren_tui/fonts/dejavu``), rounded up
to hundredths of an em, for U+0020-U+024F (Latin) and the symbols the foto uses;
any other character counts as 1.25 em, wider than any glyph here, so a text is never
measured narrower than it is drawn. DejaVu Sans is wide: a viewer that falls back to
Arial or Helvetica draws the same text narrower still. ``tests/test_foto.py`` checks
these numbers against the font files (and prints new ones if the fonts change).
"""

from __future__ import annotations

FIRST = 0x20
UNKNOWN = 125  # hundredths of an em
MISSING = 0xFF  # in the table: the font has no glyph there


def _table(latin: str, symbols: dict[str, int]) -> dict[str, int]:
    widths = {chr(FIRST + index): width for index, width in enumerate(bytes.fromhex(latin))
              if width != MISSING}
    widths.update(symbols)
    return widths


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of ``text`` at ``size`` px (or any unit: the result is in the same one)."""
    widths = _BOLD if bold else _REGULAR
    return sum(widths.get(char, UNKNOWN) for char in text) * size / 100


_REGULAR = _table(
    "20292e5440604e1c282832542025202240404040404040404040222254545436644545464e403a4e4c1e1e42"
    "38574b4f3d4f46403e4a4563453e452822285432323e4037403e2440401c1c3a1c62403e40402a3528403c52"
    "3c3c3540224054ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff20294040"
    "404022323264303e5425643232542929324040203229303e616161364545454545456246404040401e1e1e1e"
    "4e4b4f4f4f4f4f544f4a4a4a4a3e3d3f3e3e3e3e3e3e63373e3e3e3e1c1c1c1c3e403e3e3e3e3e543e404040"
    "403c403c453e453e453e46374637463746374e404e40403e403e403e403e403e4e404e404e404e404c405c46"
    "1e1c1e1c1e1c1e1c1e1c3b381e1c423a3a381c381c38263823391d4b404b404b40524b404f3e4f3e4f3e6b67"
    "462a462a462a40354035403540353e283e283e284a404a404a404a404a404a4063523e3c3e45354535453524"
    "404a454045404746374e5245403e404f3e3a244e4563241e4b3a1c3c624b404f5c3e5f4c4240464035402228"
    "3e283e56404d494b4a453543433a3540433a34401e322e1e8f8274544f2e5e5d50453e1e1c4f3e4a404a404a"
    "404a404a403e453e453e62634e404e40423a4f3e4f3e433a1c8f82744e4070454b40453e62634f3e453e453e"
    "403e403e1e1c1e1c4f3e4f3e462a462a4a404a4040353e283f354c404a54463e4535453e403e4f3e4f3e4f3e"
    "4f3e3e3c3055301c6464454637383e35353d30454a45403e1e1c4f40462a3e3c",
    {
        "\u2013": 50, "\u2014": 100, "\u2018": 32, "\u2019": 32, "\u201a": 32, "\u201c": 52,
        "\u201d": 52, "\u201e": 52, "\u2022": 59, "\u2026": 100, "\u20ac": 64, "\u2122": 100,
        "\u2190": 84, "\u2191": 84, "\u2192": 84, "\u2193": 84, "\u23ce": 84, "\u25a3": 95,
        "\u25a1": 95, "\u25a0": 95, "\u2605": 90, "\u2606": 90, "\u2713": 84, "\u2714": 84,
        "\u2717": 84, "\u25cb": 88, "\u25d0": 88, "\u25cf": 88, "\ufffd": 103,
    },
)

_BOLD = _table(
    "232e35544665581f2e2e3554262a26254646464646464646464628285454543b644e4d4a544545535426264e"
    "406454564a564e4945524e6f4e49492e252e54323244483c48442c4848232343236948454848323c3048425d"
    "41423b48254854ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff232e4646"
    "4046253232643941542a643232542c2c324a4026322c39416868683b4e4e4e4e4e4e6d4a4545454526262626"
    "54545656565656545652525252494a48444444444444693c4444444423232323454845454545455445484848"
    "484248424e444e444e444a3c4a3c4a3c4a3c5448544845444544454445444544534853485348534854486250"
    "262326232623262326234b4526234e434340234023403040384126544854485448635448564556455645756e"
    "4e324e324e32493c493c493c493c4530453045305248524852485248524852486f5d494249493b493b493b2c"
    "48524d484d484a4a3c54584c4845455546452c5350692c274e43253c6954485658456d5c4f484e493c453830"
    "47304554485652504e493b4e4e413b464e413a48264237269c8e8265624579766a4e44262356455248524852"
    "4852485248444e444e446d69534853484e43564556454e3b239c8e825348814f54484e446d6956454e444e44"
    "4544454426232623564556454e324e3252485248493c4530463d544854575142493b4e444544564556455645"
    "56454942325734236d6d4e4a3c40453c3b4f3e4d524e4544262357504e324942",
    {
        "\u2013": 50, "\u2014": 100, "\u2018": 38, "\u2019": 38, "\u201a": 38, "\u201c": 66,
        "\u201d": 66, "\u201e": 66, "\u2022": 64, "\u2026": 100, "\u20ac": 70, "\u2122": 100,
        "\u2190": 84, "\u2191": 84, "\u2192": 84, "\u2193": 84, "\u23ce": 84, "\u25a3": 95,
        "\u25a1": 95, "\u25a0": 95, "\u2605": 90, "\u2606": 90, "\u2713": 84, "\u2714": 84,
        "\u2717": 84, "\u25cb": 88, "\u25d0": 88, "\u25cf": 88, "\ufffd": 112,
    },
)
