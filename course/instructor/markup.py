"""Markdown and HTML from a notebook, made safe for a feedback page that needs no network.

Markdown is rendered with mistune; maths between $...$ or $$...$$ becomes MathML
(texmath.py); any HTML a learner wrote or printed is cleaned with bleach to a short list
of harmless tags with no attributes that could run or fetch anything. Tags not on the
list are dropped (their text stays), so the page never shows a tag as text.
"""
from __future__ import annotations

import re

import bleach
import mistune

from course.instructor.texmath import to_mathml

TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "small", "span", "strong",
        "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"a": ["href", "title"], "img": ["src", "alt"], "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan"]}
PROTOCOLS = {"http", "https", "mailto", "data"}
# Code first (its dollars are not maths), then $$display$$, then $inline$.
PIECES = re.compile(r"(?P<fence>^```.*?^```[ \t]*$|^~~~.*?^~~~[ \t]*$)|(?P<code>`+)(?P<codetext>.+?)(?P=code)"
                    r"|\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$\n]+?)\$", re.S | re.M)
HOLE = "MATHHOLE{}X"


def _markdown():
    """Return a mistune renderer that keeps raw HTML (bleach cleans it after) and knows tables."""
    return mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


MARKDOWN = _markdown()


def clean(text: str) -> str:
    """Return HTML reduced to the harmless tags and attributes, other tags dropped, text kept."""
    text = re.sub(r"<(script|style|iframe|object|embed|template)\b.*?</\1\s*>", "", text, flags=re.S | re.I)
    cleaned = bleach.clean(text, tags=TAGS, attributes=_allowed, protocols=PROTOCOLS, strip=True,
                           strip_comments=True)
    return cleaned


def _allowed(tag: str, name: str, value: str) -> bool:
    """Allow an attribute: links and titles; images only from data: URLs (nothing is fetched)."""
    if tag == "img" and name == "src":
        return value.startswith("data:image/")
    return name in ATTRIBUTES.get(tag, ())


def markdown_html(source: str) -> str:
    """Return a markdown cell's source as safe HTML with its maths as MathML."""
    maths: list[str] = []

    def hole(match: re.Match) -> str:
        if match["fence"] is not None or match["code"] is not None:
            return match[0]
        maths.append(to_mathml(match["display"], True) if match["display"] is not None
                     else to_mathml(match["inline"]))
        return HOLE.format(len(maths) - 1)

    body = clean(MARKDOWN(PIECES.sub(hole, source)))
    return re.sub(r"MATHHOLE(\d+)X", lambda m: maths[int(m[1])] if int(m[1]) < len(maths) else "", body)
