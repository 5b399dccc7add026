"""Code-review changes (Gerrit, GitHub) into rows: the change, its events, identities, activities.

A change is one item: writing it again replaces everything stored for it, so a change that
gained votes since the last sync is simply rewritten, never duplicated.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from niche.sources.changes import Account, Change
from niche.sources.contract import Item, Source
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


def change_rows(source: Source, items: Sequence[Item[Change]]) -> Rows:
    """Rows of a batch of changes: the change, every event in its life, and who did each."""
    rows = Rows()
    for item in items:
        _change(rows, source.id, item.id, item.record, item.raw)
    return rows


def _change(rows: Rows, source: str, item: str, change: Change, raw: bytes) -> None:
    def ident(change: Change, account: Account | None) -> str | None:
        if account is None:
            return None
        number = f"{change.host}/{account.account_id}" if account.account_id is not None else None
        return rows.identity(change.platform, account.name, account.email, account.username, account=number)

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


def unread_wordings(store: Store, source: str) -> list[str]:
    """Each vote wording niche could not read in a source's changes, how often, and one change with
    it, said as a warning: such votes are kept as unread, never guessed."""
    rows = store.con.execute(
        """SELECT detail, count(*), min(item_id) FROM review_events WHERE source = ? AND kind = 'unread'
           GROUP BY detail ORDER BY count(*) DESC, detail""",
        [source],
    ).fetchall()
    return [f"{times:,} votes worded {wording!r} could not be read (e.g. {example}); kept as unread, not guessed"
            for wording, times, example in rows]  # fmt: skip
