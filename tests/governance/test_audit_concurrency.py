"""Concurrent writers on PostgreSQL still produce one unbroken chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from governance.services import audit_chain_check, audit_record


@pytest.mark.postgres
def test_parallel_appends_keep_the_chain(transactional_db):
    def write(n: int) -> None:
        try:
            for i in range(10):
                audit_record(actor=None, action="parallel", detail={"writer": n, "i": i})
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    report = audit_chain_check()
    assert report.ok, report.message
    assert report.rows_checked == 40
