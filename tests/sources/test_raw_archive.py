"""RawArchive keeps each body as received: JSON as JSON, anything else as a string."""

import json
from datetime import UTC, datetime

from sources.spapi.archive import RawArchive, read_archive

RECEIVED = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def archived(tmp_path, content: bytes, is_json: bool | None = None) -> dict:
    archive = RawArchive(tmp_path, now=lambda: RECEIVED)
    path = archive.append("getPurchaseOrders", "GET", "/vendor/orders/v1/purchaseOrders", {"limit": 2}, 200, "req-1", content, is_json)
    [record] = read_archive(path)
    return record


def test_json_body_with_line_breaks(tmp_path):
    content = b'{\n  "payload": {"orders": [{"purchaseOrderNumber": "2JK3S9VC", "netCost": 12.5}]}\r\n}'

    record = archived(tmp_path, content)

    assert record["body"] == {"payload": {"orders": [{"purchaseOrderNumber": "2JK3S9VC", "netCost": 12.5}]}}
    assert record["request_id"] == "req-1"
    assert record["params"] == {"limit": 2}


def test_body_parsed_by_caller(tmp_path):
    record = archived(tmp_path, b'{"errors": [{"code": "InvalidInput", "message": "bad limit"}]}', is_json=True)

    assert record["body"] == {"errors": [{"code": "InvalidInput", "message": "bad limit"}]}


def test_text_body_kept_as_string(tmp_path):
    record = archived(tmp_path, b"<html>Service Unavailable</html>\n")

    assert record["body"] == "<html>Service Unavailable</html>\n"


def test_undecodable_body_still_one_line(tmp_path):
    record = archived(tmp_path, b'{"title": "caf\xe9"}', is_json=True)

    # The byte that is not UTF-8 becomes U+FFFD, so the body is kept as the text it decodes to.
    assert record["body"] == '{"title": "caf\ufffd"}'


def test_empty_body_is_null(tmp_path):
    assert archived(tmp_path, b"")["body"] is None


def test_one_record_per_line(tmp_path):
    archive = RawArchive(tmp_path, now=lambda: RECEIVED)
    for number in ("A", "B"):
        path = archive.append("getPurchaseOrders", "GET", "/p", None, 200, None, json.dumps({"n": number}, indent=2).encode())

    assert [record["body"]["n"] for record in read_archive(path)] == ["A", "B"]
