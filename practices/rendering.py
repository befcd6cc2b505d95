"""Markdown to safe HTML: render with ``markdown``, then keep only an allow-list with ``nh3``
(no script, no event attribute, no ``javascript:`` or ``data:`` link survives)."""

import html
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody",
    "tr", "th", "td", "abbr", "sup", "sub", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with everything inside them.
DROPPED_WITH_CONTENT = {"script", "style", "svg", "math", "iframe", "object", "embed", "template"}


def render_markdown(text: str) -> str:
    """Sanitized HTML for a practice's Markdown text."""
    rendered = markdown.markdown(text or "", extensions=["extra", "sane_lists"])
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


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
