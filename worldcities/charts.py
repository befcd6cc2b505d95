"""Bar charts drawn on the server as SVG, for pages and PDF reports alike. A chart is plain
data (every length a whole number, so no language's number format reaches the markup) that
``templates/includes/bar_chart.html`` draws with a title and a description for screen readers;
the page shows a table of the same figures beside it. No script and no style attribute: the
strict Content-Security-Policy holds."""

from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 90
BAR_HEIGHT = 22
GAP = 10
LABEL_CHARS = 30


@dataclass
class Bar:
    label: str
    value: float
    text: str  # the value as shown
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    width: int = WIDTH
    height: int = 0
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def label_x(self) -> int:
        return self.label_width - 8


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(*, id: str, title: str, rows, description: str = "") -> BarChart:
    """A horizontal bar chart of ``rows``: (label, value) or (label, value, text) tuples, the
    longest bar for the largest value. ``id`` names the chart's title and description in the
    page (unique on it)."""
    chart = BarChart(id=id, title=str(title), description=str(description))
    rows = [(row[0], row[1] or 0, row[2] if len(row) > 2 else row[1] or 0) for row in rows]
    largest = max((value for _label, value, _text in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for index, (label, value, text) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(room * value / largest)
        chart.bars.append(
            Bar(
                label=_short(label),
                value=value,
                text=str(text),
                y=y,
                width=width,
                text_y=y + BAR_HEIGHT // 2 + 5,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    chart.height = GAP + len(rows) * (BAR_HEIGHT + GAP)
    if not chart.description:
        chart.description = "; ".join(f"{label}: {text}" for label, _value, text in rows)
    return chart
