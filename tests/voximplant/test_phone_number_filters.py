"""GetPhoneNumbers narrows and orders on the fields each AttachedPhoneInfo shows, with Voximplant's errors."""

from __future__ import annotations

import datetime

import pytest

from .conftest import ENABLED, NOT_ENABLED, UNSUPPORTED, error_code

voximplant = pytest.importorskip("voximplant.apiclient")
VoximplantException = voximplant.VoximplantException


@pytest.fixture
def numbers(server):
    """The three seeded numbers made different in every field a filter reads, as a seed could make them."""
    world = server.tenants.get("default")
    world.update_number(f"+{ENABLED}", extra={
        "application_id": 42, "application_name": "sms-app", "phone_region_name": "London", "auto_charge": False,
        "phone_price": 3.0, "phone_purchase_date": "2024-03-01 09:00:00"})
    world.update_number(f"+{NOT_ENABLED}", extra={
        "deactivated": True, "category_name": "GEOGRAPHIC", "phone_price": 1.0,
        "phone_purchase_date": "2025-06-01 12:00:00", "phone_next_renewal": "2026-06-01"})
    world.update_number(f"+{UNSUPPORTED}", extra={
        "phone_country_code": "DE", "can_be_used": False, "canceled": True, "category_name": "TOLLFREE",
        "phone_price": 2.0})
    return world


def listed(call, **params) -> list[str]:
    body = call("GetPhoneNumbers", **params)
    assert "result" in body, body
    assert body["total_count"] == len(body["result"]) == body["count"], body
    return [n["phone_number"] for n in body["result"]]


# --- filters ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("codes, expected", [
    ("GB", [ENABLED, NOT_ENABLED]), ("de", [UNSUPPORTED]), ("GB;DE", [ENABLED, NOT_ENABLED, UNSUPPORTED]),
    ("US", []),
])
def test_country_code_lists_only_numbers_of_those_countries(call, numbers, codes, expected):
    assert listed(call, country_code=codes) == expected


@pytest.mark.parametrize("codes", ["GBR", "G1", "ĞB", "GB;1"])
def test_country_code_that_is_not_two_letters_is_239(call, codes):
    assert error_code(call("GetPhoneNumbers", country_code=codes)) == 239


def test_official_client_country_code_list_is_sent_joined_and_filters(api, numbers):
    body = api.get_phone_numbers(country_code=["DE"])
    assert [n["phone_number"] for n in body["result"]] == [UNSUPPORTED]
    assert body["total_count"] == 1


@pytest.mark.parametrize("category, expected", [
    ("MOBILE", [ENABLED]), ("tollfree", [UNSUPPORTED]), ("GEOGRAPHIC;TOLLFREE", [NOT_ENABLED, UNSUPPORTED]),
    ("MOSCOW495", []),
])
def test_phone_category_name_lists_only_numbers_of_those_categories(call, numbers, category, expected):
    assert listed(call, phone_category_name=category) == expected


@pytest.mark.parametrize("category", ["MOB ILE", "MOBILE!", "тоll"])
def test_phone_category_name_that_is_not_one_word_is_240(call, category):
    assert error_code(call("GetPhoneNumbers", phone_category_name=category)) == 240


@pytest.mark.parametrize("name, value, expected", [
    ("deactivated", "true", [NOT_ENABLED]),
    ("deactivated", "False", [ENABLED, UNSUPPORTED]),
    ("canceled", "1", [UNSUPPORTED]),
    ("can_be_used", "false", [UNSUPPORTED]),
    ("can_be_used", "TRUE", [ENABLED, NOT_ENABLED]),
    ("auto_charge", "0", [ENABLED]),
])
def test_boolean_filters_keep_numbers_whose_flag_has_that_value(call, numbers, name, value, expected):
    assert listed(call, **{name: value}) == expected


@pytest.mark.parametrize("name", ["deactivated", "canceled", "can_be_used", "auto_charge",
                                  "is_bound_to_application"])
def test_boolean_filter_that_is_not_a_boolean_is_496_naming_it(call, name):
    body = call("GetPhoneNumbers", **{name: "maybe"})
    assert error_code(body) == 496
    assert f"'{name}'" in body["error"]["msg"]


def test_official_client_booleans_filter_as_it_sends_them(api, numbers):
    assert [n["phone_number"] for n in api.get_phone_numbers(deactivated=True)["result"]] == [NOT_ENABLED]
    assert [n["phone_number"] for n in api.get_phone_numbers(can_be_used=False)["result"]] == [UNSUPPORTED]


def test_bound_numbers_show_their_application_and_is_bound_to_application_splits_them(call, numbers):
    [bound] = call("GetPhoneNumbers", is_bound_to_application="true")["result"]
    assert (bound["phone_number"], bound["application_id"], bound["application_name"]) == (ENABLED, 42, "sms-app")
    assert listed(call, is_bound_to_application="false") == [NOT_ENABLED, UNSUPPORTED]


def test_unbound_seed_numbers_have_no_application_fields(call):
    assert all("application_id" not in n for n in call("GetPhoneNumbers")["result"])
    assert listed(call, is_bound_to_application="true") == []


@pytest.mark.parametrize("params, expected", [
    ({"application_id": "42"}, [ENABLED]),
    ({"application_id": "7;42"}, [ENABLED]),
    ({"application_id": "7"}, []),
    ({"application_name": "sms-app"}, [ENABLED]),
    ({"application_name": "other-app"}, []),
])
def test_application_filters_list_only_numbers_bound_to_it(call, numbers, params, expected):
    assert listed(call, **params) == expected


@pytest.mark.parametrize("value", ["app", "4_2", "٤٢", "-42"])
def test_application_id_that_is_not_an_id_is_116(call, value):
    assert error_code(call("GetPhoneNumbers", application_id=value)) == 116


def test_phone_id_lists_only_those_numbers_however_its_digits_are_written(call):
    every = call("GetPhoneNumbers")["result"]
    first = every[0]
    assert listed(call, phone_id=f"00{first['phone_id']}") == [first["phone_number"]]
    assert listed(call, phone_id=";".join(str(n["phone_id"]) for n in every)) == [n["phone_number"] for n in every]


@pytest.mark.parametrize("value", ["x", "1;x", "-1", "1.5"])
def test_phone_id_that_is_not_an_id_is_181_as_in_set_phone_number_info(call, value):
    assert error_code(call("GetPhoneNumbers", phone_id=value)) == 181


def test_phone_region_name_lists_numbers_of_that_region(call, numbers):
    assert listed(call, phone_region_name="London") == [ENABLED]
    assert listed(call, phone_region_name="Paris;London") == [ENABLED]
    assert listed(call, phone_region_name="Paris") == []


@pytest.mark.parametrize("template, expected", [
    ("4474433322", [ENABLED, NOT_ENABLED, UNSUPPORTED]), ("+447443332212", [NOT_ENABLED]), ("1415", []),
])
def test_phone_template_keeps_numbers_that_start_with_it(call, template, expected):
    assert listed(call, phone_template=template) == expected


@pytest.mark.parametrize("params, expected", [
    ({"from_phone_purchase_date": "2025-01-01 00:00:00"}, [NOT_ENABLED]),
    ({"to_phone_purchase_date": "2024-03-01 09:00:00"}, [ENABLED, UNSUPPORTED]),
    ({"from_phone_purchase_date": "2024-03-01 09:00:00", "to_phone_purchase_date": "2024-12-31 23:59:59"},
     [ENABLED]),
    ({"to_phone_next_renewal": "2029-12-31"}, [NOT_ENABLED]),
    ({"from_phone_next_renewal": "2030-01-01"}, [ENABLED, UNSUPPORTED]),
])
def test_date_filters_keep_numbers_purchased_or_renewed_within_them(call, numbers, params, expected):
    assert listed(call, **params) == expected


@pytest.mark.parametrize("params", [
    {"from_phone_purchase_date": "2025-01-01"},
    {"to_phone_next_renewal": "2025-01-01 00:00:00"},
    {"from_phone_next_renewal": "٢٠٢٥-01-01"},
])
def test_date_filter_in_another_format_is_111(call, params):
    assert error_code(call("GetPhoneNumbers", **params)) == 111


def test_date_filter_that_ends_before_it_starts_is_123(call):
    body = call("GetPhoneNumbers", from_phone_next_renewal="2026-01-01", to_phone_next_renewal="2025-01-01")
    assert error_code(body) == 123


def test_official_client_date_filters_reach_the_emulator_in_its_formats(api, numbers):
    body = api.get_phone_numbers(from_phone_purchase_date=datetime.datetime(2025, 1, 1),
                                 to_phone_next_renewal=datetime.date(2029, 12, 31))
    assert [n["phone_number"] for n in body["result"]] == [NOT_ENABLED]


def test_filters_combine_and_total_count_counts_matches_before_paging(call, numbers):
    assert listed(call, country_code="GB", deactivated="false") == [ENABLED]
    body = call("GetPhoneNumbers", country_code="GB", count="1", offset="1")
    assert [n["phone_number"] for n in body["result"]] == [NOT_ENABLED]
    assert (body["total_count"], body["count"]) == (2, 1)


def test_unknown_parameters_are_ignored(call):
    assert listed(call, no_such_filter="x", colour="blue") == [ENABLED, NOT_ENABLED, UNSUPPORTED]


# --- order_by ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("order_by, expected", [
    ("phone_price", [NOT_ENABLED, UNSUPPORTED, ENABLED]),
    ("purchase_date", [NOT_ENABLED, ENABLED, UNSUPPORTED]),
    ("deactivated", [NOT_ENABLED, ENABLED, UNSUPPORTED]),
    ("phone_country_code", [UNSUPPORTED, ENABLED, NOT_ENABLED]),
    ("phone_next_renewal", [NOT_ENABLED, ENABLED, UNSUPPORTED]),
    ("verification_status", [ENABLED, NOT_ENABLED, UNSUPPORTED]),
])
def test_order_by_sorts_as_documented(call, numbers, order_by, expected):
    assert listed(call, order_by=order_by) == expected


def test_order_by_comes_before_paging(call, numbers):
    body = call("GetPhoneNumbers", order_by="phone_price", count="1")
    assert [n["phone_number"] for n in body["result"]] == [NOT_ENABLED]


def test_official_client_order_by_sorts_the_numbers(api, server):
    server.tenants.get("default").update_number(f"+{ENABLED}", extra={"phone_price": 9.0})
    ordered = [n["phone_number"] for n in api.get_phone_numbers(order_by="phone_price")["result"]]
    assert ordered == [NOT_ENABLED, UNSUPPORTED, ENABLED]


@pytest.mark.parametrize("order_by", ["price", "PHONE_NUMBER", "phone_number desc"])
def test_order_by_an_undocumented_value_is_496(call, order_by):
    body = call("GetPhoneNumbers", order_by=order_by)
    assert error_code(body) == 496
    assert "'order_by'" in body["error"]["msg"]


def test_official_client_bad_country_code_raises_239(api):
    with pytest.raises(VoximplantException) as refused:
        api.get_phone_numbers(country_code="United Kingdom")
    assert refused.value.code == 239
