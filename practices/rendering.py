"""Practice texts as HTML: the platform's Markdown rendering (``worldcities.markup``), and
search headlines with their matches marked."""

import html
import re

from worldcities.markup import render_markdown  # noqa: F401

# Sentinels that PostgreSQL's headline puts around a match; they cannot occur in user text
# that went through ``strip_control``.
MARK_START = "\x02"
MARK_STOP = "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MARKDOWN_NOISE = re.compile(r"[#*_`>\[\]]+")


def strip_control(text: str) -> str:
    return _CONTROL.sub("", text or "")


def highlight_to_html(fragment: str) -> str:
    """Escapes a search headline and turns the match sentinels into ``<mark>`` elements."""
    cleaned = re.sub(r"\s+", " ", _MARKDOWN_NOISE.sub(" ", fragment or "")).strip()
    escaped = html.escape(cleaned, quote=False)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
