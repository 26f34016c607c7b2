"""Completing a file with parts missing is refused with 409, listing them; nothing is assembled."""

from __future__ import annotations

import time

import pytest
import requests
from django.core import signing

from tests.ingestion.uploadkit import payload


def test_complete_with_a_part_missing_lists_it(portal, submission, storage_backend, small_parts):
    data = payload(3 * small_parts, seed=2)
    file = portal.register(submission, "IMAGES/IMAGE_a/1.dcm", data).json()
    portal.send_parts(submission, file, data, [1, 3])
    response = portal.complete(submission, file["id"])
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["missing"], body["wrong_size"]) == ("upload.incomplete", [2], [])
    assert "1 of 3 parts are missing (2)" in body["detail"]
    assert portal.file(submission, file["id"])["state"] == "registered"
    assert f"inbox/submissions/{submission.pk}/{file['id']}" not in storage_backend.objects("inbox")


# The portal's own part endpoint (local storage); S3 judges its own presigned URLs and bodies.
LOCAL_ONLY = pytest.mark.parametrize("storage_backend", ["local"], indirect=True)


@LOCAL_ONLY
def test_part_with_the_wrong_length_is_refused(portal, submission, small_parts):
    data = payload(small_parts + 10, seed=3)
    file = portal.register(submission, "IMAGES/IMAGE_a/2.dcm", data).json()
    [url] = portal.part_urls(submission, file["id"], [2])
    assert "/api/v1/uploads/" in url["url"]
    response = requests.put(url["url"], data=b"x" * 11, timeout=60)
    assert response.status_code == 400
    assert response.json() == {"code": "part.length", "detail": "Part 2 of IMAGES/IMAGE_a/2.dcm is 10 bytes; "
                                                                 "the request has Content-Length 11."}


def test_part_numbers_outside_the_file_are_refused(portal, submission):
    file = portal.register(submission, "METADATA/dataset.xml", payload(10)).json()
    response = portal.api("POST", f"{portal.files_path(submission)}{file['id']}/parts/", json={"numbers": [0, 2]})
    assert (response.status_code, response.json()["code"]) == (400, "part.number")
    assert "there is no part 0, 2" in response.json()["detail"]


@LOCAL_ONLY
def test_expired_part_url_is_refused_with_what_to_do(portal, submission):
    file = portal.register(submission, "METADATA/dataset.xml", payload(10)).json()
    [part] = portal.part_urls(submission, file["id"], [1])
    assert "/api/v1/uploads/" in part["url"]

    class IssuedTwoHoursAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 2 * 3600)

    old = IssuedTwoHoursAgo(salt="ingestion.upload-part").sign_object([file["id"], 1])
    response = requests.put(part["url"].replace(part["url"].split("/")[-2], old), data=b"x" * 10, timeout=60)
    assert (response.status_code, response.json()["code"]) == (403, "part_url.expired")
    assert "Ask for new part URLs" in response.json()["detail"]
