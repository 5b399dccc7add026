"""Render the dashboard's pages with Jinja2, escaping everything: names, subjects and messages
come from anyone on the internet, so no text is ever trusted as HTML, and links keep to http(s)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from niche.classify.explain import explain_rule, kind_words, role_words
from niche.identity.normalize import without_addresses
from niche.identity.people import shown_email
from niche.web.pages import PAGES, Site
from niche.words import plural

# Scripts only from the report itself, and no eval: charts are drawn with Vega's expression
# interpreter (vegaEmbed's `ast` option) instead of compiled code. No inline script runs, nothing
# is fetched from elsewhere. The page's <meta> carries the policy for the static report; a server
# also sends it as a header, with frame-ancestors (which browsers honour only there).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)
CSP_HEADER = CSP + "; frame-ancestors 'none'"


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain web address; None for javascript:, data: and anything else."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


class _Pages(Environment):
    """Jinja with two habits that keep Python out of the pages: a row's column wins over a method
    of the same name (`a.items` is the column, not dict.items), and a missing value prints as
    nothing, never as "None" or "nan"."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def _shown(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value


@cache
def environment() -> Environment:
    env = _Pages(
        loader=PackageLoader("niche.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_shown,
    )
    env.filters["safe_url"] = safe_url
    env.filters["shown_email"] = shown_email
    env.filters["without_addresses"] = lambda text: without_addresses(text) if isinstance(text, str) else text
    env.filters["role_words"] = role_words
    env.filters["kind_words"] = kind_words
    env.filters["explain"] = explain_rule
    env.filters["plural"] = plural
    return env


def render(site: Site, page: str, context: dict[str, Any], root: str = "", live: bool = False, title: str = "") -> str:
    """One page as HTML; `root` leads back to the top (for pages in sub-folders), `live` when served."""
    labels = dict(PAGES)
    template = environment().get_template("person.html" if page == "person" else f"{page}.html")
    return template.render(
        context,
        page=page,
        pages=PAGES,
        title=title or labels[page],
        root=root,
        live=live,
        csp=CSP,
        as_of=site.as_of,
        window=site.window,
        months=site.months,
        show_emails=site.show_emails,
    )
