"""Phone numbers in the forms callers give them, read in the policy's country; the caller's policy."""

from __future__ import annotations

import pytest

from desk_app.core.phone import caller_calling_code, calling_codes, national_number, number_forms, policy_for_caller
from desk_app.core.policy_loader import load_policies, shipped_policies_dir


@pytest.fixture(scope="module")
def shipped():
    return load_policies(shipped_policies_dir())


def test_the_shipped_policies_name_their_customers_country(shipped):
    assert {key: p.country for key, p in shipped.items()} == {
        "holesalemart": "IN", "ooulet": "IN", "pandorana": "IN", "shopee": "ID", "shopom": "IN"}


def test_a_local_indonesian_number_has_its_international_forms():
    forms = number_forms("0813-1234-5678", ["ID"])
    assert forms[0] == "081312345678"  # as typed first
    assert {"+6281312345678", "6281312345678", "081312345678"} <= set(forms)
    # Without the country the local form is all there is.
    assert number_forms("0813-1234-5678") == ("081312345678",)


def test_an_international_number_has_its_local_form_whatever_the_countries():
    forms = number_forms("+62 813 1234 5678", ["IN"])
    assert forms[0] == "+6281312345678"
    assert "081312345678" in forms
    assert "+919876543210" in number_forms("98765 43210", ["ID", "IN"])


def test_too_few_digits_is_not_a_number():
    assert number_forms("1234", ["ID"]) == ()
    assert number_forms("SO-1", ["IN"]) == ()


def test_the_national_number_drops_the_trunk_prefix():
    assert national_number("0813 1234 5678", ["ID"]) == "81312345678"
    assert national_number("+91 98765 43210") == "9876543210"
    assert national_number("0813", ["ID"]) is None


def test_a_policys_phone_lines_give_its_calling_codes(shipped):
    assert calling_codes(shipped["shopee"]) == {62}  # "1500702", "021-39500300" in Indonesia
    assert calling_codes(shipped["ooulet"]) == {91}  # no number listed: its country's
    assert calling_codes(shipped["shopom"]) == {91}


def test_the_callers_country(shipped):
    assert caller_calling_code("+62 813 1234 5678") == 62
    assert caller_calling_code("0062 813 1234 5678", ["IN"]) == 62  # dialled from India
    assert caller_calling_code("0813 1234 5678", ["IN", "ID"]) == 62  # not a valid Indian number
    assert caller_calling_code("98765 43210", ["ID", "IN"]) == 91
    assert caller_calling_code("12", ["IN"]) is None


def test_the_caller_is_put_under_the_policy_with_a_line_in_their_country(shipped):
    phone_lines = [shipped[k] for k in ("ooulet", "shopee", "shopom")]  # the dialog's order
    assert policy_for_caller("+62 813 1234 5678", phone_lines) == "shopee"  # not the first (Ooulet)
    assert policy_for_caller("0813 1234 5678", phone_lines) == "shopee"
    assert policy_for_caller("+91 98765 43210", phone_lines) == "ooulet"  # the first of India's
    assert policy_for_caller("+44 20 7946 0958", phone_lines) is None  # no line in the UK
    assert policy_for_caller("", phone_lines) is None
