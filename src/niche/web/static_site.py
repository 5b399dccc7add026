"""The dashboard as static HTML files (`niche report`) anyone can open or publish, offline.

Writing it again is cheap when little changed: the report remembers (in MANIFEST) a fingerprint
of everything its pages are made from; when that is unchanged and every page is still there,
nothing is rendered. Otherwise every page is rendered but only those whose text changed are
written, so an unchanged page keeps its modification time (a sync to a web server, `rsync`,
moves only what changed)."""

from __future__ import annotations

import filecmp
import json
import shutil
from importlib import resources
from pathlib import Path

from niche.store.freshness import digest, state
from niche.web.pages import PAGES, Site
from niche.web.render import render

MANIFEST = ".niche-report.json"


def fingerprint(site: Site) -> str:
    """A hash of all a report's pages are made from: the store's data and what was derived from it,
    what is not derived (what was quarantined, the day each source was last synced, both on the
    data quality page) and the report's own options."""
    store = site.store
    quarantine = store.one("SELECT count(*), max(recorded_at) FROM quarantine")
    synced = store.con.execute("SELECT source, synced_at::DATE FROM sources ORDER BY source").fetchall()
    options = (site.as_of, site.months, site.show_emails, site.person_signals, site.cycles)
    return digest(state(store), quarantine, synced, options)


def write_static_site(site: Site, out: Path) -> int:
    """Write every page, a profile per person, the trail of each most referenced key and the
    static assets under out, unless the report there is of the same data and options already;
    returns how many pages the report has."""
    marked = fingerprint(site)
    manifest = out / MANIFEST
    if manifest.is_file():
        last = json.loads(manifest.read_text(encoding="utf-8"))
        if last.get("fingerprint") == marked and all((out / page).is_file() for page in last.get("pages", ())):
            return len(last["pages"])
    manifest.unlink(missing_ok=True)  # a report being rewritten is never taken for a finished one
    (out / "people").mkdir(parents=True, exist_ok=True)
    (out / "trail").mkdir(exist_ok=True)
    pages = []
    for page, _ in PAGES:
        context = site.page(page)
        pages.append(_write(out, f"{page}.html", render(site, page, context)))
        for key, _n, slug in context["busiest"] if page == "trail" else ():
            html = render(site, "trail", site.trail(key), root="../", title=f"Trail of {key}")
            pages.append(_write(out, f"trail/{slug}.html", html))
    for person_id in site.community.everyone():
        profile = site.person(person_id)
        if profile is None:  # a person gone since the list was read
            continue
        html = render(site, "person", profile, root="../", title=profile["p"].name)
        pages.append(_write(out, f"people/{person_id}.html", html))
    static = resources.files("niche.web") / "static"
    with resources.as_file(static) as source:
        shutil.copytree(source, out / "static", dirs_exist_ok=True, copy_function=_copy_if_changed)
    manifest.write_text(json.dumps({"fingerprint": marked, "pages": pages}), encoding="utf-8")
    return len(pages)


def _write(out: Path, name: str, html: str) -> str:
    """Write a page unless it holds this text already; returns its name."""
    path = out / name
    data = html.encode()
    if not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
        path.write_bytes(data)
    return name


def _copy_if_changed(source: str, target: str) -> str:
    if Path(target).is_file() and filecmp.cmp(source, target, shallow=False):
        return target
    return str(shutil.copy2(source, target))
