from html.parser import HTMLParser

import pytest

from practices.rendering import highlight_to_html, render_markdown

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    '<a href="java&#x09;script:alert(1)">tab</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">styled</p>',
    "<div><p>unclosed <b>tags <script>alert(1)",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)//",
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="x"></form>',
    "<!-- <script>alert(1)</script> -->",
    '<details open ontoggle="alert(1)">x</details>',
]


class Elements(HTMLParser):
    """Collects the elements and attributes a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def parse(html: str):
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


SAFE_TAGS = {"p", "a", "strong", "em", "b", "i", "code", "pre", "div", "br", "ul", "li"}


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_markdown_renders_attack_harmless(source):
    html = render_markdown(source)
    for tag, attrs in parse(html):
        assert tag in SAFE_TAGS, f"<{tag}> survived in {html!r}"
        assert not [name for name in attrs if name.startswith("on")], html
        assert "style" not in attrs, html
        href = (attrs.get("href") or "").strip().lower()
        assert not href or href.startswith(("http://", "https://", "mailto:")), html
    assert "<script" not in html.lower()


def test_ordinary_markdown_survives():
    html = render_markdown(
        "## Steps\n\n- one\n- two\n\n**bold** [site](https://example.org) `code`"
    )
    assert "<h2>Steps</h2>" in html
    assert "<li>one</li>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>' in html
    assert "<code>code</code>" in html


def test_headline_is_escaped_and_marked():
    html = highlight_to_html("<b>smart</b> \x02grid\x03 & more")
    assert "<b" not in html
    assert "&lt;b" in html
    assert "<mark>grid</mark> &amp; more" in html
