"""The BENCHMARKS.md tables are rebuilt from results.json records, text around them kept."""

from bench.report import refresh

DOC = """# Benchmarks

### demo

| record | value | baseline | ratio | goal | met |
| --- | --- | --- | --- | --- | --- |
| `demo_old` | 9 s |  |  | old | no |

Text after the table stays.

### other

| record | value | baseline | ratio | goal | met |
| --- | --- | --- | --- | --- | --- |
| `other` | 1 s |  |  |  |  |
"""


def test_each_section_gets_its_records_and_the_text_stays():
    records = [
        {
            "name": "demo_speed",
            "value": 0.5,
            "unit": "s",
            "baseline_name": "floor",
            "baseline_value": 0.25,
            "goal": "<= 1.5x",
            "meets_goal": False,
            "ratio": 2.0,
        }
    ]
    out = refresh(DOC, records)
    assert "| `demo_speed` | 0.5 s | 0.25 (floor) | 2 | <= 1.5x | no |" in out
    assert "demo_old" not in out
    assert "Text after the table stays." in out
    assert "| `other` | 1 s |" in out  # no records for it: left as it was
