"""The dashboard as static HTML files (`niche report`) anyone can open or publish, offline."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from niche.web.pages import PAGES, Site
from niche.web.render import render


def write_static_site(site: Site, out: Path) -> int:
    """Write every page, a profile per person, the trail of each most referenced key and the
    static assets under out; returns pages written."""
    (out / "people").mkdir(parents=True, exist_ok=True)
    (out / "trail").mkdir(exist_ok=True)
    written = 0
    for page, _ in PAGES:
        context = site.page(page)
        (out / f"{page}.html").write_text(render(site, page, context), encoding="utf-8")
        written += 1
        for key, _n, slug in context["busiest"] if page == "trail" else ():
            html = render(site, "trail", site.trail(key), root="../", title=f"Trail of {key}")
            (out / "trail" / f"{slug}.html").write_text(html, encoding="utf-8")
            written += 1
    for person_id in site.community.everyone():
        profile = site.person(person_id)
        if profile is None:  # a person gone since the list was read
            continue
        html = render(site, "person", profile, root="../", title=profile["p"].name)
        (out / "people" / f"{person_id}.html").write_text(html, encoding="utf-8")
        written += 1
    static = resources.files("niche.web") / "static"
    with resources.as_file(static) as source:
        shutil.copytree(source, out / "static", dirs_exist_ok=True)
    return written
