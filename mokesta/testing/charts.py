"""Reading the consumption chart's SVG in tests: its bars are closed rectangles of paths."""

import re

RECTANGLE = r"M[\d.]+ [\d.]+h[\d.]+v[\d.]+h-[\d.]+z"


def bars_drawn(html: str) -> int:
    """How many bars the page's charts draw."""
    return len(re.findall(RECTANGLE, html))


def estimates_drawn(html: str) -> int:
    """How many of them are estimates (the light, dashed path's)."""
    return sum(
        len(re.findall(RECTANGLE, path))
        for path in re.findall(r'<path d="([^"]*)" fill="#9cc3da"', html)
    )
