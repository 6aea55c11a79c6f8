"""A small directory and calendar for the rules tests (our own invented office)."""
from __future__ import annotations

import pytest

from rules.calendar import WorkCalendar
from rules.directory import parse_directory
from rules.findings import AnalysisContext

DIRECTORY = {
    "organization": "Sở Nông nghiệp tỉnh Thử Nghiệm",
    "units": [
        {"name": "Văn phòng Sở", "aliases": ["VP Sở"]},
        {"name": "Phòng Kế hoạch - Tài chính", "aliases": ["Phòng KH-TC"]},
        {"name": "Chi cục Thủy lợi", "aliases": ["CCTL"]},
        {"name": "Chi cục Chăn nuôi và Thú y", "aliases": []},
        {"name": "Trung tâm Khuyến nông", "aliases": ["TTKN"]},
        {"name": "Thanh tra Sở", "aliases": ["Thanh tra"]},
    ],
}


@pytest.fixture(scope="session")
def ctx() -> AnalysisContext:
    return AnalysisContext(directory=parse_directory(DIRECTORY), calendar=WorkCalendar())


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    return WorkCalendar()
