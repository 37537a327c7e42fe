"""The report's number filters: Dutch and English forms, and changes with their sign."""

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
