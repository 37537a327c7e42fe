"""The report's number filters: Dutch and English forms, and changes with their sign."""

import pytest

from relatierapport.render.formatting import make_filters


def test_dutch_numbers_money_and_dates():
    f = make_filters("nl")
    assert f["number"](1234.5, 1) == "1.234,5"
    assert f["money"](1234) == "€ 1.234"
    assert f["money"](-50) == "€ -50"
    assert f["number"](None) == "–"


def test_a_change_has_its_sign_and_a_tiny_negative_is_no_minus_zero():
    nl, en = make_filters("nl"), make_filters("en")
    assert nl["change"](1.24) == "+1,2"
    assert nl["change"](-0.34) == "-0,3"
    assert nl["change"](-0.04) == "0,0"          # rounds to nothing: no "-0,0", no "+0,0"
    assert nl["number"](-0.04, 1) == "0,0"
    assert en["change"](12.0, 0) == "+12"
    assert en["change"](None) == "–"


def test_many_values_parse_the_locale_and_each_pattern_once(monkeypatch):
    """Babel parses a locale name and a pattern string on every call that is given one; the
    filters parse each once per language and pattern (issue 17: 425k Locale.parse a build)."""
    import datetime as dt

    import babel.core
    import babel.dates
    import babel.numbers

    from relatierapport.render import formatting

    for cached in (formatting.babel_locale, formatting.number_pattern, formatting.date_pattern):
        cached.cache_clear()
    parsed = {"locale": 0, "number": 0, "date": 0}
    real_locale, real_number, real_date = (babel.core.Locale.parse, formatting.parse_number_pattern,
                                           formatting.parse_date_pattern)

    def counting(kind, real):
        def parse(*args, **kwargs):
            parsed[kind] += isinstance(args[-1] if args else None, str)   # a name, not a Locale
            return real(*args, **kwargs)
        return parse

    monkeypatch.setattr(babel.core.Locale, "parse", counting("locale", real_locale))
    monkeypatch.setattr(formatting, "parse_number_pattern", counting("number", real_number))
    monkeypatch.setattr(formatting, "parse_date_pattern", counting("date", real_date))
    f = make_filters("nl")
    for i in range(500):
        f["number"](i * 1.37, 1), f["number"](i), f["money"](i * 12.5), f["percent"](i / 500)
        f["date"](dt.date(2026, 1, 1) + dt.timedelta(days=i))
        f["date"](dt.date(2026, 1, 1) + dt.timedelta(days=i), "d MMM")
    assert parsed == {"locale": 1, "number": 4, "date": 1}
    assert f["number"](1234.56, 1) == "1.234,6" and f["date"](dt.date(2026, 11, 3)) == "3 november 2026"


def test_remembered_values_keep_their_type():
    """1, 1.0 and Decimal("1") are equal keys to a dict: the memo tells them apart."""
    from decimal import Decimal

    f = make_filters("en")
    assert f["money"](Decimal("1234.5"), 2) == "€1,234.50" == f["money"](1234.5, 2)
    assert f["money"](1, 0) == f["money"](1.0, 0) == f["money"](Decimal(1), 0) == "€1"
    assert f["number"](-0.01) == "0" and f["change"](-0.04) == "0.0"


@pytest.mark.parametrize(("value", "nl", "en"), [
    (None, "–", "–"), (0.0, "0%", "0%"), (0.004, "minder dan 1%", "less than 1%"),
    (0.006, "1%", "1%"), (0.87, "87%", "87%"), (0.994, "99%", "99%"),
    (0.995, "meer dan 99%", "more than 99%"), (1.0, "100%", "100%")])
def test_a_chance_never_rounds_to_certainty_or_to_nothing(value, nl, en):
    """The chance filter (P(alive) on the plans and the attention page): what would round to 0%
    or 100% without being either says "less than 1%" / "more than 99%"."""
    assert make_filters("nl")["chance"](value).replace("\xa0", " ") == nl
    assert make_filters("en")["chance"](value).replace("\xa0", " ") == en
