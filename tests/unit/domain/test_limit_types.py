"""Limit types and how packages extend a plan's limits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sidecar.domain.limit_types import LIMIT_TYPES, effective_limits

KEYS = list(LIMIT_TYPES)


def test_the_registry_lists_every_limit_type_in_order():
    assert KEYS[:8] == [
        "disk_mb",
        "posts",
        "pages",
        "users",
        "sites",
        "visits_month",
        "domains",
        "templates",
    ]
    for key, limit in LIMIT_TYPES.items():
        assert limit.key == key
        assert limit.label and limit.unit and limit.help


def test_packages_add_times_quantity_and_unlimited_stays_unlimited():
    plan = {"disk_mb": 1000, "posts": 50, "pages": None, "users": 0}
    disk = {"disk_mb": 5120}
    visits = {"visits_month": 50000, "posts": 10}
    limits = effective_limits(plan, [(disk, 2), (visits, 1)])
    assert limits["disk_mb"] == 1000 + 2 * 5120
    assert limits["posts"] == 60
    assert limits["pages"] is None  # None in the plan: unlimited
    assert limits["users"] is None  # 0 in the plan: unlimited
    assert limits["visits_month"] is None  # missing from the plan: unlimited
    assert set(limits) == set(KEYS)


def test_a_negative_quantity_is_refused():
    with pytest.raises(ValueError):
        effective_limits({"posts": 5}, [({"posts": 1}, -1)])


plan_limits = st.fixed_dictionaries(
    {}, optional={key: st.none() | st.integers(0, 10**7) for key in KEYS}
)
package = st.tuples(
    st.fixed_dictionaries({}, optional={key: st.integers(0, 10**6) for key in KEYS}),
    st.integers(0, 5),
)


@given(plan_limits, st.lists(package, max_size=4))
def test_packages_never_lower_a_limit(plan, packages):
    alone = effective_limits(plan, [])
    extended = effective_limits(plan, packages)
    for key in KEYS:
        if alone[key] is None:
            assert extended[key] is None
        else:
            assert extended[key] >= alone[key] > 0
