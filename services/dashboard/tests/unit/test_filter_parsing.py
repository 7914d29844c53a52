"""The contract's filters at the edge: `?query=<json>` and plain parameters -> domain filters."""
import json
from datetime import datetime, timezone

import pytest
from werkzeug.datastructures import MultiDict

from dropin_common.errors import BadRequest
from dropin_common.query import parse_filters
from dropin_dashboard.domain.filters import Page, RecordFilter
from dropin_dashboard.entrypoints.schemas import (OrganizationListSchema, PeriodSchema, RecordExportSchema,
                                                  RecordFilterSchema, RecordListSchema, page_from,
                                                  record_filter_from)


def parse(schema, **params) -> dict:
    return parse_filters(schema, MultiDict(params))


def bad_field(schema, **params) -> str:
    with pytest.raises(BadRequest) as raised:
        parse(schema, **params)
    return raised.value.field


def test_query_json_is_read_with_every_contract_key():
    query = {"name": "lan", "phone": "0901", "organizationName": "sun", "status": "missed,completed,expired",
             "carType": "sedan", "carModel": "camry", "carMake": "toyota", "from": "2016-06-16",
             "to": "2016-06-16", "vin": 12321, "skip": 10, "limit": 20, "timezoneoffset": -420}
    params = parse(RecordListSchema(), query=json.dumps(query))
    criteria = record_filter_from(params)
    assert criteria.name == "lan" and criteria.phone == "0901" and criteria.organization_name == "sun"
    assert criteria.statuses == {"missed", "completed", "expired"}
    assert (criteria.car_type, criteria.car_model, criteria.car_make) == ("sedan", "camry", "toyota")
    assert criteria.vin == "12321"
    assert criteria.period.start == datetime(2016, 6, 15, 17, 0, tzinfo=timezone.utc)
    assert page_from(params) == Page(skip=10, limit=20)


def test_plain_parameters_work_like_the_query_json():
    from_json = record_filter_from(parse(RecordFilterSchema(), query='{"carMake": "Honda", "status": "missed"}'))
    from_params = record_filter_from(parse(RecordFilterSchema(), carMake="Honda", status="missed"))
    assert from_json == from_params


def test_query_json_wins_over_a_plain_parameter():
    params = parse(RecordFilterSchema(), query='{"name": "from-json"}', name="from-param")
    assert params["name"] == "from-json"


def test_no_filters_means_everything_newest_twenty():
    params = parse(RecordListSchema())
    assert record_filter_from(params) == RecordFilter()
    assert page_from(params) == Page(skip=0, limit=20)


def test_blank_values_are_no_filter():
    assert record_filter_from(parse(RecordFilterSchema(), name="  ", status="")) == RecordFilter()


def test_unknown_status_is_rejected_naming_status():
    assert bad_field(RecordListSchema(), status="missed,ringing") == "status"


@pytest.mark.parametrize("key,value", [("from", "16/06/2016"), ("to", "2016-13-01"), ("timezoneoffset", "abc"),
                                       ("timezoneoffset", "5000"), ("skip", "-1"), ("limit", "101"),
                                       ("limit", "0")])
def test_bad_value_is_rejected_naming_its_field(key, value):
    assert bad_field(RecordListSchema(), **{key: value}) == key


def test_to_before_from_is_rejected_naming_to():
    assert bad_field(PeriodSchema(), **{"from": "2016-06-17", "to": "2016-06-16"}) == "to"


def test_malformed_query_json_is_rejected_naming_query():
    assert bad_field(RecordListSchema(), query="{name:") == "query"


def test_export_has_no_row_limit_unless_one_is_given():
    assert page_from(parse(RecordExportSchema())) == Page(skip=0, limit=None)
    assert page_from(parse(RecordExportSchema(), limit="5000")) == Page(skip=0, limit=5000)


def test_organization_list_takes_a_name_and_a_page():
    params = parse(OrganizationListSchema(), query='{"name": "toy", "skip": 2, "limit": 5}')
    assert (params["name"], params["skip"], params["limit"]) == ("toy", 2, 5)
