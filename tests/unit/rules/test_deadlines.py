"""The deadline parser on our own phrases, plus hypothesis properties (never raises, valid dates,
round-trip)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendar import WorkCalendar
from rules.deadlines import find_deadline, find_recurrence

CAL = WorkCalendar()
ISSUED = date(2023, 5, 10)


@pytest.mark.parametrize(
    "text, due",
    [
        ("báo cáo kết quả trước ngày 25/5/2023", date(2023, 5, 25)),
        ("rà soát, báo cáo Giám đốc Sở trước ngày 26/5/2023", date(2023, 5, 26)),  # "Sở" folds like "số"
        ("xong trước ngày 02/6", date(2023, 6, 2)),
        ("hoàn thành trước ngày 15 tháng 7 năm 2023", date(2023, 7, 15)),
        ("gửi về Sở trước 14 giờ 30 ngày 19/5/2023", date(2023, 5, 19)),
        ("hoàn thành chậm nhất ngày 30/6/2023", date(2023, 6, 30)),
        ("triển khai trong tháng 8/2023", date(2023, 8, 31)),
        ("thực hiện trong Quý III/2023", date(2023, 9, 30)),
        ("tổ chức Quý III/2023 trước ngày 12/8/2023", date(2023, 8, 12)),
        ("hoàn thành trong 6 tháng cuối năm 2023", date(2023, 12, 31)),
        ("thực hiện từ ngày 01/6/2023 đến hết ngày 20/6/2023", date(2023, 6, 20)),
        ("báo cáo trong thời hạn 05 ngày làm việc kể từ ngày ký", date(2023, 5, 17)),
        ("nộp trước ngày 20.5.2023", date(2023, 5, 20)),
        ("trưng bày từ ngày 11/9 đến hết năm 2023", date(2023, 12, 31)),
        ("hoàn thành trong năm 2024", date(2024, 12, 31)),
    ],
)
def test_written_forms(text: str, due: date) -> None:
    found = find_deadline(text, issued=ISSUED, calendar=CAL)
    assert found is not None and found.due == due


@pytest.mark.parametrize(
    "text",
    [
        "thực hiện Quyết định số 1120/QĐ-UBND ngày 03/4/2023 của UBND tỉnh",
        "năm 2022 đơn vị xếp thứ 14/20 toàn tỉnh",
        "Ngày 05/5/2023, đồng chí Giám đốc đã chủ trì cuộc họp",
        "thường xuyên kiểm tra, kịp thời báo cáo",
        "định kỳ hằng tháng trước ngày 25 báo cáo",
        "xây dựng Kế hoạch thực hiện năm 2023",  # the plan's year, no time limit
    ],
)
def test_not_deadlines(text: str) -> None:
    assert find_deadline(text, issued=ISSUED, calendar=CAL) is None


def test_a_yearly_day_takes_its_first_year_when_the_text_gives_it() -> None:
    said = "Từ năm 2028 đến năm 2030: hoàn thành trước ngày 30/01 hằng năm"
    found = find_deadline(said, issued=None, calendar=CAL)
    assert found is not None and found.due == date(2028, 1, 30)
    assert find_deadline("báo cáo trước ngày 15/12 hằng năm", issued=ISSUED, calendar=CAL) is None


def test_a_day_read_in_the_year_after_a_late_signing_stays_in_range() -> None:
    # found by hypothesis: "02/01" after a signing on 1 March 2199 would fall in 2200
    assert find_deadline("xong trước ngày 02/01", issued=date(2199, 3, 1), calendar=CAL) is None


def test_working_days_need_the_signing_date() -> None:
    found = find_deadline("trong 07 ngày làm việc kể từ ngày ký", issued=None, calendar=CAL)
    assert found is not None and found.due is None and found.kind == "relative"


def test_working_days_skip_national_day() -> None:
    # signed Wed 30/8/2023; 1-4/9 are Quốc khánh days off -> 31/8, 5/9, 6/9
    found = find_deadline("trong 03 ngày làm việc kể từ ngày ký", issued=date(2023, 8, 30), calendar=CAL)
    assert found is not None and found.due == date(2023, 9, 6)


@pytest.mark.parametrize(
    "text, kind, day",
    [
        ("báo cáo hằng tuần", "weekly", None),
        ("hàng tháng, trước ngày 20", "monthly", 20),
        ("mỗi tháng đăng ít nhất 03 tin bài", "monthly", None),
        ("phát sóng 04 lần/tháng", "monthly", None),
        ("trong 01 quý tổ chức ít nhất 01 buổi", "quarterly", None),
        ("ít nhất 1 Quý tổ chức đối thoại", "quarterly", None),
        ("báo cáo vào ngày 10 hằng tháng", "monthly", 10),
        ("tổng kết hằng năm", "yearly", None),
    ],
)
def test_recurrence(text: str, kind: str, day: int | None) -> None:
    found = find_recurrence(text)
    assert found is not None and (found.kind, found.day) == (kind, day)


def test_standing_order_is_not_recurrence() -> None:
    assert find_recurrence("thường xuyên theo dõi, đôn đốc") is None


@pytest.mark.parametrize(
    "text",
    [
        "lồng ghép vào kế hoạch công tác hằng năm của đơn vị",  # a kind of plan
        "tổng hợp nhu cầu và dự toán kinh phí thực hiện hằng năm",  # a budget
        "là tiêu chí đánh giá, xếp loại hằng năm",  # the yearly appraisal, done by others
    ],
)
def test_what_hang_nam_qualifies_is_no_recurrence(text: str) -> None:
    assert find_recurrence(text) is None


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789/ .,-trướcngàythángnămQuýIVhoàn xong") + ["\n"]), max_size=80
    ),
    st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))),
)
def test_never_raises_and_dates_are_valid(text: str, issued: date | None) -> None:
    found = find_deadline(text, issued=issued, calendar=CAL)
    if found is not None and found.due is not None:
        assert isinstance(found.due, date)
        assert date(1900, 1, 1) < found.due < date(2200, 1, 1)
    find_recurrence(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_any_text(text: str) -> None:
    find_deadline(text, issued=ISSUED, calendar=CAL)
    find_deadline(text, issued=None, calendar=CAL, require_trigger=False)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.booleans())
def test_written_date_round_trips(day: date, pad: bool) -> None:
    written = f"{day.day:02d}/{day.month:02d}/{day.year}" if pad else f"{day.day}/{day.month}/{day.year}"
    found = find_deadline(f"hoàn thành trước ngày {written}.", issued=None, calendar=CAL)
    assert found is not None and found.due == day


PHRASES = [
    "trong 07 ngày làm việc kể từ ngày ký",
    "trong vòng 05 ngày kể từ ngày ký",
    "trước ngày 15/12",
    "xong trước ngày 02/01",
    "trong tháng 12",
    "6 tháng cuối năm",
    "cuối tháng 12",
    "hằng tháng trước ngày 25",
    "Quý IV",
    "trước ngày 31/4",
    "29/2",
    "ngày 32 tháng 13 năm 2024",
    "trong 400 ngày làm việc kể từ ngày ký",
    ", ",
    " và ",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PHRASES), max_size=6).map(" ".join), st.dates(), st.booleans())
def test_never_raises_whatever_the_issue_date(text: str, issued: date, trigger: bool) -> None:
    """No exception is caught inside the parser, so this holds only if every path stays in range."""
    found = find_deadline(text, issued=issued, calendar=CAL, require_trigger=trigger)
    assert found is None or found.due is None or 1900 < found.due.year < 2200
    find_recurrence(text)


def test_months_from_the_letter_count_from_its_date(calendar: WorkCalendar) -> None:
    # BLDS 2015 Điều 147-148: the same day N months on; a deadline on a Saturday moves to the Monday.
    text = "Thời hạn thực hiện và báo cáo kết quả về Sở không quá 2 tháng kể từ ngày ban hành văn bản này."
    found = find_deadline(text, issued=date(2023, 2, 1), calendar=calendar)
    assert found is not None and found.kind == "relative" and found.due == date(2023, 4, 3)
    one_month = find_deadline(
        "trong vòng 01 tháng kể từ ngày ký", issued=date(2023, 1, 31), calendar=calendar
    )
    assert one_month is not None and one_month.due == date(2023, 2, 28)
    undated = find_deadline(text, issued=None, calendar=calendar)
    assert undated is not None and undated.due is None
    assert (
        find_deadline(
            "Quyết định có hiệu lực sau 2 tháng kể từ ngày ký.", issued=date(2023, 2, 1), calendar=calendar
        )
        is None
    )
