"""Mail archives on the web: the monthly archives a Mailman 2 pipermail or Apache mod_mbox index
page links to, and the monthly mbox exports of a HyperKitty list."""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")  # fmt: skip
_PIPERMAIL_ARCHIVE = re.compile(r"(\d{4})-(" + "|".join(m.title() for m in MONTHS) + r")\.txt(\.gz)?$")
_MOD_MBOX_ARCHIVE = re.compile(r"(\d{4})(\d{2})\.mbox$")
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.I)
_HYPERKITTY_LIST = re.compile(r"^(.*?)/(?:hyperkitty/)?(?:archives/)?list/([^/]+@[^/]+)/?")


@dataclass(frozen=True, slots=True)
class Archive:
    url: str
    month: str  # 'YYYY-MM'


def index_archives(index_html: str, index_url: str) -> list[Archive]:
    """The monthly archives an index page links to, oldest first: a Mailman 2 pipermail index
    (2016-April.txt.gz) or an Apache mod_mbox one (201604.mbox/thread)."""
    base = index_url if index_url.endswith("/") else index_url.rsplit("/", 1)[0] + "/"
    found: dict[str, Archive] = {}
    for href in _HREF.findall(index_html):
        name = href.split("?", 1)[0]
        if name.endswith(".mbox/thread") or name.endswith(".mbox/date") or name.endswith(".mbox/author"):
            name = name.rsplit("/", 1)[0]
        pipermail = _PIPERMAIL_ARCHIVE.search(name)
        mod_mbox = _MOD_MBOX_ARCHIVE.search(name)
        if pipermail:
            month = f"{pipermail.group(1)}-{MONTHS.index(pipermail.group(2).lower()) + 1:02d}"
        elif mod_mbox:
            month = f"{mod_mbox.group(1)}-{mod_mbox.group(2)}"
        else:
            continue
        url = name if "://" in name else base + name.lstrip("/")
        found.setdefault(month, Archive(url, month))
    return sorted(found.values(), key=lambda a: a.month)


def hyperkitty_list(url: str) -> tuple[str, str] | None:
    """(site root, list address) when url is a HyperKitty list page, else None."""
    match = _HYPERKITTY_LIST.match(url)
    return (match.group(1), match.group(2)) if match else None


def hyperkitty_archives(root: str, address: str, first: str, last: str) -> list[Archive]:
    """HyperKitty's mbox export of each month from first to last ('YYYY-MM'), as HyperKitty
    serves it: /hyperkitty/list/ADDR/export/NAME.mbox.gz?start=DATE&end=DATE."""
    year, month = map(int, first.split("-"))
    archives = []
    while f"{year:04d}-{month:02d}" <= last:
        following = (year + month // 12, month % 12 + 1)
        start, end = f"{year:04d}-{month:02d}-01", f"{following[0]:04d}-{following[1]:02d}-01"
        name = f"{year:04d}-{month:02d}"
        url = f"{root}/hyperkitty/list/{address}/export/{address}-{name}.mbox.gz?start={start}&end={end}"
        archives.append(Archive(url, name))
        year, month = following
    return archives
