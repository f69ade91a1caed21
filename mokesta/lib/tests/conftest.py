"""The topology test (nginx, gunicorns, workers; minutes long) runs only when asked for by
name: `pytest -m topology` (as `.ci/run` does). Any other selection, `-m "not browser"`
included, leaves it out (deselected, not skipped)."""

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "topology" in (config.getoption("markexpr") or ""):
        return
    chosen = [item for item in items if item.get_closest_marker("topology") is None]
    if len(chosen) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in chosen])
        items[:] = chosen
