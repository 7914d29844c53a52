import json
from datetime import date, datetime, timezone

import pytest
from marshmallow import validate
from werkzeug.datastructures import MultiDict

from dropin_common.errors import BadRequest
from dropin_common.query import (CommaSeparatedSet, DateRangeSchema, FilterSchema, LooseString, PageSchema,
                                 parse_filters, query_args)
from dropin_common.timeutil import ClientTimezoneOffset, iso


class CallFilters(PageSchema, DateRangeSchema):
    status = CommaSeparatedSet(("missed", "completed", "expired"), load_default=None)
    vin = LooseString(load_default=None, validate=validate.Length(min=3))
    name = LooseString(load_default=None)


def parse(**args):
    return parse_filters(CallFilters(), MultiDict(args))


def test_query_json_and_plain_parameters_are_merged_with_json_winning():
    merged = query_args(MultiDict({"query": '{"name": "ann", "skip": 5}', "name": "bob", "limit": "3"}))
    assert merged == {"name": "ann", "skip": 5, "limit": "3"}


def test_defaults_apply_when_nothing_is_given():
    filters = parse()
    assert (filters["skip"], filters["limit"], filters["timezone_offset"]) == (0, 20, 0)
    assert filters["status"] is None and filters["from_day"] is None


def test_status_is_a_comma_separated_set():
    assert parse(status="missed, completed")["status"] == {"missed", "completed"}


def test_unknown_status_is_rejected_naming_the_field():
    with pytest.raises(BadRequest) as caught:
        parse(status="missed,lost")
    assert caught.value.field == "status" and "lost" in caught.value.message


@pytest.mark.parametrize("key,value", [("skip", "-1"), ("limit", "101"), ("limit", "ten"), ("from", "2016-13-01"),
                                       ("to", "yesterday"), ("timezoneoffset", "abc"),
                                       # beyond what the database or the calendar can hold
                                       ("skip", str(2 ** 63)), ("to", "9999-12-31"), ("from", "0001-01-01")])
def test_bad_values_are_400s_naming_the_field(key, value):
    with pytest.raises(BadRequest) as caught:
        parse(**{key: value})
    assert caught.value.field == key


def test_the_widest_accepted_days_still_shift_by_any_time_zone():
    for offset in (-840, 840):
        filters = parse(**{"from": "1900-01-01", "to": "9998-12-31", "timezoneoffset": str(offset)})
        ClientTimezoneOffset(offset).day_range_utc(filters["from_day"], filters["to_day"])


def test_query_that_is_not_json_is_rejected_naming_query():
    with pytest.raises(BadRequest) as caught:
        parse(query="{name:")
    assert caught.value.field == "query"


def test_query_that_is_a_json_list_is_rejected():
    with pytest.raises(BadRequest):
        parse(query="[1, 2]")


def test_numbers_in_the_json_are_taken_as_text_filters():
    assert parse(query='{"vin": 12321}')["vin"] == "12321"


def test_empty_plain_parameters_mean_no_filter():
    # What the services' edge does (the kit's query_args): an empty set of statuses and no name.
    filters = parse(status="", name="")
    assert not filters["status"] and not filters["name"]


def test_day_range_west_of_utc_starts_later_in_utc():
    start, end = ClientTimezoneOffset(300).day_range_utc(date(2016, 6, 16), date(2016, 6, 16))  # GMT-5
    assert start == datetime(2016, 6, 16, 5, tzinfo=timezone.utc)
    assert end == datetime(2016, 6, 17, 5, tzinfo=timezone.utc)


def test_day_range_east_of_utc_starts_the_previous_utc_evening():
    start, end = ClientTimezoneOffset(-420).day_range_utc(date(2016, 6, 16), date(2016, 6, 17))  # GMT+7
    assert start == datetime(2016, 6, 15, 17, tzinfo=timezone.utc)
    assert end == datetime(2016, 6, 17, 17, tzinfo=timezone.utc)


def test_open_ended_ranges_leave_a_side_unbounded():
    utc = ClientTimezoneOffset(0)
    assert utc.day_range_utc(None, date(2016, 6, 16)) == (None, datetime(2016, 6, 17, tzinfo=timezone.utc))


def test_timestamps_render_in_utc_with_z_and_in_the_client_zone():
    moment = datetime(2016, 6, 16, 20, 30, tzinfo=timezone.utc)
    assert iso(moment) == "2016-06-16T20:30:00Z"
    assert moment.astimezone(ClientTimezoneOffset(-420).tzinfo).isoformat() == "2016-06-17T03:30:00+07:00"


def test_the_client_s_day_is_its_local_calendar_day():
    late_evening_utc = datetime(2016, 6, 16, 20, 30, tzinfo=timezone.utc)
    assert ClientTimezoneOffset(-420).today(late_evening_utc) == date(2016, 6, 17)  # GMT+7
    assert ClientTimezoneOffset(300).today(late_evening_utc) == date(2016, 6, 16)  # GMT-5


def test_blank_text_filter_is_no_filter_even_with_validators():
    assert parse(query='{"vin": "  "}')["vin"] is None


def test_text_filter_validators_still_apply_to_real_values():
    with pytest.raises(BadRequest) as caught:
        parse(vin="ab")
    assert caught.value.field == "vin"


def test_required_text_that_is_blank_is_rejected_naming_the_field():
    class Body(FilterSchema):
        vin = LooseString(required=True)

    with pytest.raises(BadRequest) as caught:
        parse_filters(Body(), MultiDict({"vin": "   "}))
    assert caught.value.field == "vin" and "blank" in caught.value.message


@pytest.mark.parametrize("value", [1.5, "1_0", " +1 ", "\u0662", True, "1e2"])
def test_whole_numbers_are_digits_or_json_integers_only(value):
    with pytest.raises(BadRequest) as caught:
        parse(query=json.dumps({"skip": value}))
    assert caught.value.field == "skip"


@pytest.mark.parametrize("value, loaded", [("20", 20), (20, 20), (2.0, 2), ("-0", 0)])
def test_whole_numbers_in_either_form_are_taken(value, loaded):
    assert parse(query=json.dumps({"skip": value}))["skip"] == loaded
