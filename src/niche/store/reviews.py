"""Write code-review changes (Gerrit, GitHub) into the store: tables, identities, activities.

A change is one item: writing it again replaces everything stored for it, so a change that
gained votes since the last sync is simply rewritten, never duplicated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit

from niche.sources import gerrit, gerrit_file
from niche.sources.changes import Account, Change
from niche.sources.contract import BadRecord
from niche.sources.github import GitHubRepo, Listing
from niche.sources.http import HttpClient
from niche.store.bugs import write_issue
from niche.store.db import Store
from niche.store.rows import Rows

GITHUB_REVIEW_KINDS = {"APPROVED": "review.approved", "CHANGES_REQUESTED": "review.changes_requested"}
ACTIVITY_KINDS = {
    "created": "review.change_created",
    "patchset": "review.patchset_uploaded",
    "comment": "review.comment",
    "merged": "review.merged",
    "abandoned": "review.abandoned",
    "restored": "review.restored",
    "reverted": "review.reverted",
    "cherry_picked": "review.cherry_picked",
}


def _activity_kind(change: Change, kind: str, detail: str | None) -> str:
    if kind == "comment" and detail == "recheck":
        return "review.recheck"  # asking CI to run again: CI care
    if kind == "vote":
        return (
            "review.vote" if change.platform == "gerrit" else GITHUB_REVIEW_KINDS.get(detail or "", "review.commented")
        )
    return ACTIVITY_KINDS[kind]


def write_changes(store: Store, source: str, items: Iterable[tuple[Change | BadRecord, bytes]]) -> tuple[int, int]:
    """Write a batch of changes (call inside a transaction); returns (written, quarantined)."""
    rows = Rows()

    def ident(change: Change, account: Account | None) -> str | None:
        if account is None:
            return None
        number = f"{change.host}/{account.account_id}" if account.account_id is not None else None
        return rows.identity(change.platform, account.name, account.email, account.username, account=number)

    latest: dict[str, tuple[Change, bytes]] = {}  # a change listed twice: the later answer wins
    quarantined = 0
    for change, raw in items:
        if isinstance(change, BadRecord):
            store.quarantine(source, change.location, change.location, change.error, change.raw)
            quarantined += 1
        else:
            latest[change.key] = (change, raw)
    for item, (change, raw) in latest.items():
        owner = ident(change, change.owner)
        # Gerrit's status is final: a change abandoned after a "merged" notice was not merged.
        merged = change.status.upper() not in ("ABANDONED", "CLOSED")
        merged_at = next((e.at for e in change.events if e.kind == "merged"), None) if merged else None
        rows.raw(source, item, f"{change.platform}-change", raw)
        rows.add("changes", source=source, item_id=item, platform=change.platform, host=change.host,
                 project=change.project, number=change.number, change_id=change.change_id, branch=change.branch,
                 subject=change.subject, owner_id=owner, status=change.status, created_at=change.created,
                 updated_at=change.updated, merged_at=merged_at, insertions=change.insertions,
                 deletions=change.deletions, files=change.files, url=change.url,
                 description=change.description)  # fmt: skip
        for e in change.events:
            who = ident(change, e.who)
            rows.add("review_events", source=source, item_id=item, kind=e.kind, identity_id=who, occurred_at=e.at,
                     patchset=e.patchset, label=e.label, value=e.value, text=e.text,
                     text_length=len(e.text) if e.text is not None else None, inline=e.inline, file=e.file,
                     detail=e.detail)  # fmt: skip
            if who is None or e.kind == "unread":  # an unread wording is a data-quality note, not work
                continue
            attrs = {"platform": change.platform, "number": change.number, "patchset": e.patchset,
                     "owner": owner, "own_change": who == owner}  # fmt: skip
            if e.kind == "vote":
                attrs |= {"label": e.label, "value": e.value}
            if e.text is not None:
                attrs |= {"length": len(e.text), "inline": e.inline}
            if e.detail:
                attrs["detail"] = e.detail
            rows.add("activities", source=source, item_id=item, kind=_activity_kind(change, e.kind, e.detail),
                     identity_id=who, occurred_at=e.at, project=change.project, repo=change.project, path=e.file,
                     object_id=str(change.number), attrs=json.dumps(attrs))  # fmt: skip
    rows.write(store, source, latest)
    return len(latest), quarantined


@dataclass
class ReviewSync:
    """What one review sync did, for the CLI to report."""

    source: str
    changes: int = 0
    quarantined: int = 0
    requests: int = 0
    unchanged: bool = False
    unread: list[tuple[str, int, str]] = field(default_factory=list)  # vote wordings not read: (wording, times, e.g.)


def unread_wordings(store: Store, source: str) -> list[tuple[str, int, str]]:
    """Each vote wording niche could not read in source's changes, how often, and one change with it."""
    return store.con.execute(
        """SELECT detail, count(*), min(item_id) FROM review_events WHERE source = ? AND kind = 'unread'
           GROUP BY detail ORDER BY count(*) DESC, detail""",
        [source],
    ).fetchall()


BATCH_CHANGES = 50


def _gerrit_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


def sync_gerrit(store: Store, client: HttpClient, project: str | None = None, since: str | None = None,
                progress: Callable[[int], None] | None = None) -> ReviewSync:  # fmt: skip
    """Fetch changes updated since the last sync (or `since`) from a Gerrit server's REST API.

    Gerrit lists newest first, so the cursor (the latest update seen) is written once the whole
    listing is in; a sync cut short is redone from the previous cursor, replacing, not adding.
    """
    host = urlsplit(client.base_url).hostname or client.base_url
    source = f"gerrit:{host}" + (f"/{project}" if project else "")
    result = ReviewSync(source)
    cursor = store.cursor(source) or {}
    after = cursor.get("updated") or since
    terms = [f"project:{project}" if project else "", f'after:"{after}"' if after else "after:1970-01-01"]
    with store.transaction():
        store.register_source(source, "gerrit", project or host, client.base_url, {"project": project})
    latest = cursor.get("updated_epoch", 0)
    for batch in _batched(gerrit.fetch_changes(client, " ".join(t for t in terms if t), host), BATCH_CHANGES):
        with store.transaction():
            written, bad = write_changes(store, source, batch)
        result.changes += written
        result.quarantined += bad
        latest = max([latest, *(c.updated or 0 for c, _ in batch if isinstance(c, Change))])
        if progress:
            progress(result.changes)
    with store.transaction():
        if latest:
            store.set_cursor(source, {"updated": _gerrit_time(latest), "updated_epoch": latest})
        store.mark_synced(source)
    result.requests = client.requests
    result.unread = unread_wordings(store, source)
    return result


def import_gerrit_file(store: Store, path: Path, url: str | None = None) -> ReviewSync:
    """Load saved Gerrit REST answers (see `gerrit_file`); url is the server they came from, for
    links to each change. A file read before and unchanged since is not read again."""
    source = f"gerrit-file:{path.resolve()}"
    result = ReviewSync(source)
    digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    base = url.rstrip("/") if url else None
    if (store.cursor(source) or {}) == {"digest": digest, "url": base}:
        result.unchanged = True
        return result
    with store.transaction():
        store.register_source(source, "gerrit", path.name, str(path.resolve()), {"url": base})
    host = urlsplit(base).hostname or "" if base else ""
    for batch in _batched(gerrit_file.read_saved_changes(path, host, base), BATCH_CHANGES):
        with store.transaction():
            written, bad = write_changes(store, source, batch)
        result.changes += written
        result.quarantined += bad
    with store.transaction():
        store.set_cursor(source, {"digest": digest, "url": base})
        store.mark_synced(source)
    result.unread = unread_wordings(store, source)
    return result


def import_gerrit_export(store: Store, path: Path) -> ReviewSync:
    """Load a `gerrit query --format=JSON` export file (one change per line)."""
    source = f"gerrit-export:{path.resolve()}"
    result = ReviewSync(source)
    with store.transaction():
        store.register_source(source, "gerrit", path.name, str(path.resolve()), {})
    for batch in _batched(gerrit.read_ssh_export(path), BATCH_CHANGES):
        with store.transaction():
            written, bad = write_changes(store, source, batch)
        result.changes += written
        result.quarantined += bad
    with store.transaction():
        store.mark_synced(source)
    return result


def sync_github(store: Store, client: HttpClient, repo: str, since: str | None = None,
                progress: Callable[[int], None] | None = None, issues: bool = False) -> ReviewSync:  # fmt: skip
    """Fetch pull requests (or, with issues, the issues) updated since the last sync; the cursor
    advances with every one. Both come from GitHub's one issues listing, each with its own source."""
    reader = GitHubRepo(client, repo)
    source = f"github{'-issues' if issues else ''}:{reader.host}/{repo}"
    result = ReviewSync(source)
    cursor = store.cursor(source) or {}
    with store.transaction():
        store.register_source(source, "github", repo, f"{client.base_url}/repos/{repo}", {})
    listing = Listing()
    items = (reader.issues if issues else reader.pull_requests)(
        cursor.get("since") or since, cursor.get("etag"), listing
    )
    for item, raw, updated in items:
        with store.transaction():
            if issues and not isinstance(item, BadRecord):
                write_issue(store, source, item, raw)
                written, bad = 1, 0
            else:
                written, bad = write_changes(store, source, [(item, raw)])
            if updated:
                store.set_cursor(source, {"since": updated})
        result.changes += written
        result.quarantined += bad
        if progress:
            progress(result.changes)
    result.unchanged = listing.unchanged
    latest = (store.cursor(source) or {}).get("since") or since
    # The ETag must be that of the listing the next sync will ask for, i.e. with the new `since`.
    etag = cursor.get("etag") if result.unchanged else reader.listing_etag(latest)
    with store.transaction():
        store.set_cursor(source, {"since": latest, "etag": etag})
        store.mark_synced(source)
    result.requests = client.requests
    return result


def _batched(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch
