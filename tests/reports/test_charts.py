"""KPI trend charts: accessible, inline-safe, deterministic SVG and a PNG for Word."""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree

import pytest

from wsoa.reports.charts import (
    KpiChartData,
    describe,
    kpi_trend_png,
    kpi_trend_svg,
    report_kpi_trend_png,
    report_kpi_trend_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
SALT = KpiChartData(
    title="SALT: seen within 18 weeks",
    unit="%",
    direction="higher",
    readings=((date(2020, 2, 29), 15.0), (date(2020, 6, 30), 52.0), (date(2020, 12, 31), 93.0)),
    trajectory=((date(2020, 1, 31), 14.0), (date(2020, 9, 30), 85.0), (date(2020, 11, 30), 92.0)),
    target=(date(2020, 11, 30), 92.0),
    benchmarks=(("England average", 80.0, date(2020, 3, 31)),),
    status_label="Target met",
    explanation="Latest 93 on 31 Dec 2020 meets the target of 92.",
)
EXCLUSIONS = KpiChartData(
    title="Permanent exclusions of children with an EHCP",
    unit="number",
    direction="lower",
    readings=((date(2020, 12, 31), 4.0), (date(2021, 7, 31), 2.0)),
    trajectory=((date(2019, 12, 31), 5.0), (date(2021, 9, 1), 0.0)),
    target=(date(2021, 9, 1), 0.0),
)


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def texts(svg: str) -> str:
    return " ".join(t for t in parse(svg).itertext())


@pytest.fixture(scope="module")
def salt_svg() -> str:
    return kpi_trend_svg(SALT, id_prefix="kpi-7-chart")


def test_the_svg_is_markup_to_inline_without_a_prolog_or_doctype(salt_svg):
    assert salt_svg.startswith("<svg")
    assert "<?xml" not in salt_svg
    assert "<!DOCTYPE" not in salt_svg
    assert parse(salt_svg).tag == f"{SVG}svg"


def test_the_svg_names_itself_with_a_title_and_description_its_role_points_at(salt_svg):
    root = parse(salt_svg)
    assert root.get("role") == "img"
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Trend of SALT: seen within 18 weeks"
    assert "3 recorded values: 29 Feb 2020: 15%; 30 Jun 2020: 52%; 31 Dec 2020: 93%." in desc.text
    assert "Target: 92% by 30 Nov 2020." in desc.text
    assert "England average: 80% (31 Mar 2020)." in desc.text
    assert "Status: Target met." in desc.text


def test_the_svg_has_no_styles_or_scripts_that_a_strict_content_security_policy_would_block(salt_svg):
    assert "style=" not in salt_svg
    assert "<style" not in salt_svg
    assert "<script" not in salt_svg
    assert "<metadata" not in salt_svg
    assert 'fill="#1d70b8"' in salt_svg or 'stroke="#1d70b8"' in salt_svg  # styles became presentation attributes


def test_the_svg_fills_its_container_keeping_its_shape(salt_svg):
    root = parse(salt_svg)
    assert root.get("viewBox")
    assert root.get("width") is None
    assert root.get("height") is None


def test_every_id_is_prefixed_and_every_reference_resolves_inside_the_chart(salt_svg):
    ids = re.findall(r'\bid="([^"]+)"', salt_svg)
    assert ids
    assert all(i.startswith("kpi-7-chart-") for i in ids)
    assert len(ids) == len(set(ids))
    references = re.findall(r'(?:url\(#|href="#)([^)"]+)', salt_svg)
    assert references
    assert set(references) <= set(ids)


def test_two_charts_on_one_page_share_no_ids(salt_svg):
    other = kpi_trend_svg(SALT, id_prefix="kpi-8-chart", small=True)
    assert not set(re.findall(r'\bid="([^"]+)"', salt_svg)) & set(re.findall(r'\bid="([^"]+)"', other))


def test_the_chart_draws_values_trajectory_target_and_benchmarks_with_a_legend(salt_svg):
    words = texts(salt_svg)
    for legend in ("Recorded values", "Trajectory", "Target 92%", "England average 80%"):
        assert legend in words
    assert "93%" in words  # the latest value is labelled on the chart
    assert "Percentage" in words


def test_the_same_data_gives_exactly_the_same_svg_and_png():
    assert kpi_trend_svg(SALT, id_prefix="a") == kpi_trend_svg(SALT, id_prefix="a")
    assert kpi_trend_png(SALT) == kpi_trend_png(SALT)


def test_a_target_of_zero_is_drawn_and_described_and_lower_is_better_is_said():
    svg = kpi_trend_svg(EXCLUSIONS, id_prefix="px")
    assert "Target 0" in texts(svg)
    assert "Number (lower is better)" in texts(svg)
    desc = parse(svg)[1].text
    assert "Target: 0 by 1 Sep 2021." in desc
    assert "Lower is better." in desc


def test_a_kpi_without_values_still_shows_its_trajectory_and_says_there_are_none():
    data = KpiChartData(title="New KPI", unit="%", trajectory=SALT.trajectory, target=SALT.target)
    svg = kpi_trend_svg(data, id_prefix="new")
    assert "No values recorded yet" in texts(svg)
    assert "Trajectory" in texts(svg)


def test_a_kpi_with_nothing_to_draw_renders_a_message_not_an_error():
    svg = kpi_trend_svg(KpiChartData(title="Only words"), id_prefix="words")
    assert "No values, baseline or target yet" in texts(svg)


def test_a_single_value_renders():
    svg = kpi_trend_svg(KpiChartData(title="One", unit="days", readings=((date(2021, 3, 31), 12.0),)), id_prefix="one")
    assert "12 days" in texts(svg)


def test_a_band_kpi_shows_its_band():
    data = KpiChartData(
        title="Held", unit="number", direction="band", band=(5.0, 10.0), readings=((date(2021, 1, 31), 7.0),)
    )
    svg = kpi_trend_svg(data, id_prefix="band")
    assert "Band to stay within" in texts(svg)
    assert "Band: 5 to 10." in parse(svg)[1].text


def test_values_spanning_many_years_render_without_warnings():
    readings = tuple((date(2010 + n // 12, n % 12 + 1, 1), float(n)) for n in range(12 * 12))
    svg = kpi_trend_svg(KpiChartData(title="Long", unit="number", readings=readings), id_prefix="long")
    assert "144 recorded values from 1 Jan 2010 (0) to 1 Dec 2021 (143)" in parse(svg)[1].text


def test_words_in_the_title_cannot_break_out_of_the_svg():
    data = KpiChartData(title='<script>alert("x")</script> & co', readings=((date(2021, 1, 31), 1.0),))
    svg = kpi_trend_svg(data, id_prefix="x")
    assert "<script" not in svg
    assert parse(svg)[0].text == 'Trend of <script>alert("x")</script> & co'


def test_a_long_series_is_summarised_in_the_description():
    readings = tuple((date(2020, 1, 1).replace(month=m), float(m)) for m in range(1, 13)) + ((date(2021, 1, 31), 40.0),)
    text = describe(KpiChartData(title="Many", unit="%", readings=readings))
    assert "13 recorded values from 1 Jan 2020 (1%) to 31 Jan 2021 (40%)" in text
    assert "highest 40% on 31 Jan 2021, lowest 1% on 1 Jan 2020" in text


def test_the_png_is_a_png():
    png = kpi_trend_png(SALT, small=True)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5000


@dataclass(frozen=True)
class ReportLine:
    """The shape of wsoa.reports.assemble.KpiLine that the report adapters read."""

    id: int
    name: str
    unit: str | None
    direction: str
    explanation: str
    readings: tuple
    trajectory: tuple
    target_value: float | None
    target_on: date | None
    status_label: str = "On track"


def test_the_board_report_gets_its_charts_from_its_own_kpi_lines():
    line = ReportLine(7, "SALT", "%", "higher", "Ahead.", SALT.readings, SALT.trajectory, 0.0, date(2020, 11, 30))
    svg = report_kpi_trend_svg(line)
    root = parse(svg)
    assert root.get("aria-labelledby") is None  # the report labels the figure that holds it
    assert root[0].text == "Trend of SALT"
    assert "Target: 0% by 30 Nov 2020." in root[1].text  # a zero target survives the adapter
    assert report_kpi_trend_png(line).startswith(b"\x89PNG")


def test_charts_never_load_a_gui_backend():
    script = (
        "import sys; from datetime import date; from wsoa.reports.charts import KpiChartData, kpi_trend_svg, "
        "kpi_trend_png; d = KpiChartData(title='t', readings=((date(2021, 1, 1), 1.0),)); kpi_trend_svg(d); "
        "kpi_trend_png(d); print('pyplot' if 'matplotlib.pyplot' in sys.modules else 'no pyplot')"
    )
    result = subprocess.run(  # our own interpreter and a fixed script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "TkAgg", "DISPLAY": ""},
        check=True,
        timeout=120,
    )
    assert result.stdout.strip() == "no pyplot"
