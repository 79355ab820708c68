"""The server-rendered SVG chart."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from sidecar.domain.usage_chart import HEIGHT, PAD_BOTTOM, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def days(values):
    start = date(2025, 1, 1)
    return [(start + timedelta(days=n), value) for n, value in enumerate(values)]


def parse(markup):
    return ET.fromstring(  # noqa: S314  (our own output)
        str(markup).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


def test_a_series_is_a_polyline_scaled_to_its_maximum():
    svg = parse(line_chart(days([0, 5, 10]), title="Visits per day"))
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 1
    points = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    assert len(points) == 3
    assert points[0][1] == HEIGHT - PAD_BOTTOM  # 0 sits on the axis
    assert points[2][1] < points[1][1] < points[0][1]  # higher values higher up
    assert "highest 10" in svg.get("aria-label")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "01 Jan" in texts and "03 Jan" in texts


def test_missing_days_leave_gaps_and_lone_points_show():
    svg = parse(line_chart(days([1, None, 2, 3, None]), title="Disk", unit=" MB"))
    assert len(svg.findall(f"{SVG}polyline")) == 2


def test_no_data_and_escaping():
    markup = line_chart(days([None, None]), title="<b>x</b>")
    assert "<b>" not in str(markup) and "&lt;b&gt;" in str(markup)
    assert "no data yet" in str(markup)
    assert parse(markup).findall(f"{SVG}polyline") == []
