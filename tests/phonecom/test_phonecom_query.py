"""The list grammar: filters with every operator, sort, limit and offset, and the echo of both."""

from __future__ import annotations

import pytest

from .conftest import (
    ACCOUNT,
    EXT_101,
    EXT_102,
    FROZEN_EPOCH,
    OWNER,
    PAULA,
    PAULA_NUMBER,
    QUINN_NUMBER,
    assert_pc_error,
)

TO = ["+13125550101", "+13125550102", "+13125550103", "+14155550104"]


@pytest.fixture
async def sent(pc) -> list[dict]:
    """Four outbound SMS ten seconds apart: Paula, Quinn, Paula, Quinn, to four different handsets."""
    created = []
    for index, to in enumerate(TO):
        sender = PAULA_NUMBER if index % 2 == 0 else QUINN_NUMBER
        created.append(await pc.sent(**{"from": sender, "to": to, "text": f"message {index}"}))
        pc.world.clock.advance(10)
    return created


def texts(body: dict) -> list[str]:
    return [item["text"] for item in body["items"]]


async def filtered(pc, **params) -> list[str]:
    return texts(await pc.listing(params={**params}))


async def test_default_list_is_newest_first_with_default_limit_and_echo(pc, sent):
    body = await pc.listing()
    assert texts(body) == ["message 3", "message 2", "message 1", "message 0"]
    assert (body["filters"], body["sort"], body["total"], body["offset"], body["limit"]) == ({}, {"id": "desc"}, 4, 0, 25)


async def test_filter_without_operator_means_eq(pc, sent):
    assert await filtered(pc, **{"filters[id]": sent[1]["id"]}) == ["message 1"]


async def test_filter_eq_and_ne(pc, sent):
    assert await filtered(pc, **{"filters[id]": f"eq:{sent[2]['id']}"}) == ["message 2"]
    assert await filtered(pc, **{"filters[id]": f"ne:{sent[2]['id']}"}) == ["message 3", "message 1", "message 0"]


async def test_filter_lt_gt_lte_gte_on_created_at(pc, sent):
    t = FROZEN_EPOCH + 10
    assert await filtered(pc, **{"filters[created_at]": f"lt:{t}"}) == ["message 0"]
    assert await filtered(pc, **{"filters[created_at]": f"lte:{t}"}) == ["message 1", "message 0"]
    assert await filtered(pc, **{"filters[created_at]": f"gt:{t}"}) == ["message 3", "message 2"]
    assert await filtered(pc, **{"filters[created_at]": f"gte:{t}"}) == ["message 3", "message 2", "message 1"]


async def test_filter_between_and_not_between(pc, sent):
    low, high = FROZEN_EPOCH + 10, FROZEN_EPOCH + 20
    assert await filtered(pc, **{"filters[created_at]": f"between:{low},{high}"}) == ["message 2", "message 1"]
    assert await filtered(pc, **{"filters[created_at]": f"not-between:{low},{high}"}) == ["message 3", "message 0"]


async def test_filter_starts_ends_contains_and_their_negations_on_to(pc, sent):
    base = {"filters[direction]": "out"}
    assert await filtered(pc, **base, **{"filters[to]": "starts-with:+1415"}) == ["message 3"]
    assert await filtered(pc, **base, **{"filters[to]": "not-starts-with:+1312"}) == ["message 3"]
    assert await filtered(pc, **base, **{"filters[to]": "ends-with:0102"}) == ["message 1"]
    assert await filtered(pc, **base, **{"filters[to]": "not-ends-with:0102"}) == ["message 3", "message 2", "message 0"]
    assert await filtered(pc, **base, **{"filters[to]": "contains:555010"}) == ["message 3", "message 2", "message 1",
                                                                                 "message 0"]
    assert await filtered(pc, **base, **{"filters[to]": "not-contains:0103"}) == ["message 3", "message 1", "message 0"]


async def test_filter_in_and_not_in(pc, sent):
    wanted = f"in:{sent[0]['id']},{sent[3]['id']}"
    assert await filtered(pc, **{"filters[id]": wanted}) == ["message 3", "message 0"]
    assert await filtered(pc, **{"filters[id]": "not-" + wanted}) == ["message 2", "message 1"]


async def test_filter_empty_and_not_empty_on_extension(pc, sent):
    await pc.sent(**{"from": PAULA_NUMBER, "to": "+12125550100", "text": "to main"})
    in_account_mailbox = await filtered(pc, **{"filters[extension]": "empty"})
    assert in_account_mailbox == ["to main"]
    assert len(await filtered(pc, **{"filters[extension]": "not-empty"})) == 5


async def test_backslash_escapes_a_comma_inside_a_parameter(pc):
    await pc.sent(**{"from": PAULA_NUMBER, "to": "+13125550101", "text": "a,b"})
    await pc.sent(**{"from": PAULA_NUMBER, "to": "+13125550101", "text": "a"})
    from emulator.providers.phonecom.parse import as_text, parse_condition
    condition = parse_condition("filters[text]", r"in:a\,b,c", as_text)
    assert condition.params == ("a,b", "c")
    assert condition.accepts(["a,b"]) and not condition.accepts(["a"])


async def test_in_takes_any_number_of_values_and_operators_are_read_as_written(pc, sent):
    assert await filtered(pc, **{"filters[id]": "in:"}) == []
    assert await filtered(pc, **{"filters[direction]": "out", "filters[to]": r"contains:+1\,3"}) == []
    status, body = await pc.call("GET", f"/v4/accounts/{ACCOUNT}/sms", OWNER, params={"filters[created_at]": "GT:1"})
    assert "filters[created_at]" in assert_pc_error(status, body, 422)["fields"]  # no operator: eq with "GT:1"


async def test_a_filter_given_as_an_array_ands_its_conditions(pc, sent):
    params = [("filters[created_at][]", f"gte:{FROZEN_EPOCH + 10}"),
              ("filters[created_at][]", f"lte:{FROZEN_EPOCH + 20}")]
    body = await pc.listing(params=params)
    assert texts(body) == ["message 2", "message 1"]
    assert body["filters"] == {"created_at": [f"gte:{FROZEN_EPOCH + 10}", f"lte:{FROZEN_EPOCH + 20}"]}
    array_form = [("filters[id][]", f"ne:{sent[0]['id']}"), ("filters[id][]", f"ne:{sent[1]['id']}")]
    assert texts(await pc.listing(params=array_form)) == ["message 3", "message 2"]


async def test_a_key_repeated_without_brackets_keeps_its_last_value_as_phps_query_parser_does(pc, sent):
    body = await pc.listing(params=[("limit", "1"), ("limit", "3"), ("sort[id]", "asc"), ("sort[id]", "desc")])
    assert (body["limit"], texts(body), body["sort"]) == (3, ["message 3", "message 2", "message 1"], {"id": "desc"})
    repeated = [("filters[created_at]", f"gte:{FROZEN_EPOCH + 10}"),
                ("filters[created_at]", f"lte:{FROZEN_EPOCH + 20}")]
    body = await pc.listing(params=repeated)
    assert texts(body) == ["message 2", "message 1", "message 0"]
    assert body["filters"] == {"created_at": f"lte:{FROZEN_EPOCH + 20}"}
    status, body = await pc.call("GET", f"/v4/accounts/{ACCOUNT}/sms?limit=ten&limit=2", OWNER)
    assert status == 200 and body["limit"] == 2  # the first, unreadable value is gone before it is read


async def test_a_plain_value_after_its_array_form_wins_as_phps_query_parser_does(pc, sent):
    body = await pc.listing(params=[("limit[]", "1"), ("limit", "2")])
    assert body["limit"] == 2 and len(body["items"]) == 2


async def test_the_last_value_wins_on_every_phone_com_list_and_read(pc, sent):
    for path in (f"/v4/accounts/{ACCOUNT}/messages", f"/v4/accounts/{ACCOUNT}/phone-numbers",
                 f"/v4/accounts/{ACCOUNT}/extensions", f"/v4/accounts/{ACCOUNT}/integrations/events/callbacks"):
        body = await pc.listing(path=path, params=[("limit", "10"), ("limit", "20")])
        assert body["limit"] == 20, path
    status, one = await pc.call("GET", f"/v4/accounts/{ACCOUNT}/sms/{sent[0]['id']}?mode=full&mode=brief", OWNER)
    assert status == 200 and "extension" not in one  # brief, the last mode given


@pytest.mark.parametrize("pairs, expected", [
    ([("a", "1"), ("b", "2"), ("a", "3")], [("a", "3"), ("b", "2")]),        # last value, first place
    ([("f[x][]", "1"), ("f[x][]", "2")], [("f[x][]", "1"), ("f[x][]", "2")]),  # an array collects
    ([("f[x][]", "1"), ("f[x]", "2")], [("f[x]", "2")]),                     # a plain value replaces the array
    ([("f[x]", "1"), ("f[x][]", "2"), ("f[x][]", "3")], [("f[x][]", "2"), ("f[x][]", "3")]),  # and the reverse
])
def test_php_params_reads_repeated_keys_as_php_does(pairs, expected):
    from emulator.providers.phonecom.parse import php_params
    assert list(php_params(pairs).items()) == expected


async def test_filters_by_direction_extension_from_and_is_new(pc, sent):
    await pc.sent(**{"from": PAULA_NUMBER, "to": QUINN_NUMBER, "text": "inbound"})
    assert await filtered(pc, **{"filters[direction]": "in"}) == ["inbound"]
    assert await filtered(pc, **{"filters[extension]": EXT_102, "filters[direction]": "out"}) == ["message 3", "message 1"]
    assert await filtered(pc, **{"filters[from]": QUINN_NUMBER, "filters[direction]": "out"}) == ["message 3", "message 1"]
    # a sent SMS starts new too, as in the Create SMS example: both copies of "inbound" are listed
    assert await filtered(pc, **{"filters[is_new]": "1"}) == ["inbound", "inbound", "message 3", "message 2",
                                                             "message 1", "message 0"]
    assert await filtered(pc, **{"filters[is_new]": "0"}) == []


async def test_filter_by_from_or_to_without_direction_is_422(pc, sent):
    for key in ("filters[from]", "filters[to]"):
        status, body = await pc.call("GET", f"/v4/accounts/{ACCOUNT}/sms", OWNER, params={key: PAULA_NUMBER})
        assert key in assert_pc_error(status, body, 422)["fields"]


async def test_filter_echo_is_the_raw_query_value(pc, sent):
    body = await pc.listing(params={"filters[direction]": "out", "filters[from]": PAULA_NUMBER, "sort[created_at]": "asc"})
    assert body["filters"] == {"direction": "out", "from": PAULA_NUMBER}
    assert body["sort"] == {"created_at": "asc"}


async def test_sort_by_id_and_created_at_both_ways(pc, sent):
    assert await filtered(pc, **{"sort[id]": "asc"}) == ["message 0", "message 1", "message 2", "message 3"]
    assert await filtered(pc, **{"sort[id]": "desc"}) == ["message 3", "message 2", "message 1", "message 0"]
    assert await filtered(pc, **{"sort[created_at]": "asc"}) == ["message 0", "message 1", "message 2", "message 3"]


async def test_limit_and_offset_page_through_the_list(pc, sent):
    first = await pc.listing(params={"limit": "2", "sort[id]": "asc"})
    second = await pc.listing(params={"limit": "2", "offset": "2", "sort[id]": "asc"})
    beyond = await pc.listing(params={"limit": "2", "offset": "10"})
    assert texts(first) == ["message 0", "message 1"] and texts(second) == ["message 2", "message 3"]
    assert (first["total"], first["limit"], second["offset"]) == (4, 2, 2)
    assert beyond["items"] == [] and beyond["total"] == 4


async def test_limit_500_is_allowed_and_501_is_422(pc, sent):
    assert (await pc.listing(params={"limit": "500"}))["limit"] == 500
    status, body = await pc.call("GET", f"/v4/accounts/{ACCOUNT}/sms", OWNER, params={"limit": "501"})
    assert "limit" in assert_pc_error(status, body, 422)["fields"]


@pytest.mark.parametrize("params, field", [
    ({"filters[colour]": "red"}, "filters[colour]"),
    ({"sort[text]": "asc"}, "sort[text]"),
    ({"sort[id]": "sideways"}, "sort[id]"),
    ({"limit": "0"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"filters[created_at]": "gt:yesterday"}, "filters[created_at]"),
    ({"filters[created_at]": "between:1"}, "filters[created_at]"),
    ({"filters[direction]": "sideways"}, "filters[direction]"),
    ({"filters[is_new]": "maybe"}, "filters[is_new]"),
    ({"filters[extension]": "eq:"}, "filters[extension]"),  # Mason's arity: eq takes one value
    ({"filters[id]": "not-empty:1,2"}, "filters[id]"),
    ({"filters[created_at]": "gt:1,2"}, "filters[created_at]"),  # an unescaped comma splits any operator's values
    ({"filters[id]": "1,2"}, "filters[id]"),  # and a plain value's
    ({"filters[deleted]": "sometimes"}, "filters[deleted]"),
    ({"mode": "verbose"}, "mode"),
    ({"limit[]": "3"}, "limit"),  # PHP reads `limit[]` and `offset[x]` as arrays, no integer
    ({"offset[x]": "5"}, "offset"),
    ({"mode[]": "brief"}, "mode"),
    ({"filters": "x"}, "filters"),
    ({"filters[direction]\n": "out"}, "filters[direction]\n"),  # a near miss is not the parameter it resembles
])
async def test_unreadable_list_parameters_are_422_naming_the_parameter(pc, params, field):
    status, body = await pc.call("GET", f"/v4/accounts/{ACCOUNT}/sms", OWNER, params=params)
    assert field in assert_pc_error(status, body, 422)["fields"]


async def test_extension_list_takes_the_same_grammar(pc, sent):
    body = await pc.listing(PAULA, f"/v4/accounts/{ACCOUNT}/extensions/{EXT_101}/sms",
                            params={"sort[id]": "asc", "limit": "1", "offset": "1"})
    assert texts(body) == ["message 2"] and body["total"] == 2


async def test_a_plus_in_the_query_is_a_space_as_phone_coms_php_reads_it(pc, sent):
    base = f"/v4/accounts/{ACCOUNT}/sms?filters[direction]=out&filters[from]="
    _, unencoded = await pc.call("GET", base + "+12125550101", OWNER)
    _, encoded = await pc.call("GET", base + "%2B12125550101", OWNER)
    assert unencoded["total"] == 0  # the documentation: "you must encode the + as %2B"
    assert encoded["total"] == 2
    _, numbers = await pc.call("GET", f"/v4/accounts/{ACCOUNT}/phone-numbers?filters[name]=Main+Line", OWNER)
    assert [n["name"] for n in numbers["items"]] == ["Main Line"]  # a form-encoded space, as requests sends it
