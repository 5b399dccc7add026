"""`niche sync askbot|stackexchange|discourse|feeds|slack|slack-export|mattermost|zulip|gitter`:
Q&A sites, forums, blogs and chat (registered on `niche sync` by niche.cli.sync)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from niche.community import Community, Planned
from niche.sources.post_sources import SERVICES, PostSource

MaxWait = Annotated[float, typer.Option("--max-wait", min=0, help="Longest wait (seconds) for a rate limit.")]
ApiUrl = Annotated[str | None, typer.Option("--api-url", help="The service's API root (self-hosted servers).")]
Run = Callable[[typer.Context, Callable[[Community], list[Planned]], float], None]


def register(sync_app: typer.Typer, run: Run) -> None:
    """Add the commands to `niche sync`; `run` syncs then derives, as every sync command does."""

    def one(ctx: typer.Context, sources: list[PostSource], max_wait: float, feeds: list[str] | None = None) -> None:
        def planned(community: Community) -> list[Planned]:
            found = [s for spec in sources for s in community.posts(spec)]
            return found + ([community.feeds(feeds)] if feeds else [])

        run(ctx, planned, max_wait)

    @sync_app.command("askbot")
    def askbot(ctx: typer.Context, urls: Annotated[list[str], typer.Argument(help="Askbot sites, e.g. "
               "https://ask.openstack.org")], max_wait: MaxWait = 3600) -> None:  # fmt: skip
        """Ingest an Askbot Q&A site: questions, answers (accepted ones too), comments, tags."""
        one(ctx, [PostSource("askbot", u) for u in urls], max_wait)

    @sync_app.command("stackexchange")
    def stackexchange(ctx: typer.Context, sites: Annotated[list[str], typer.Argument(help="Sites: stackoverflow, "
                      "serverfault, askubuntu ...")],
                      tagged: Annotated[str | None, typer.Option(help="Only questions with this tag.")] = None,
                      api_url: ApiUrl = None, max_wait: MaxWait = 3600) -> None:  # fmt: skip
        """Ingest Stack Exchange questions, answers and comments (NICHE_STACKEXCHANGE_KEY raises the quota)."""
        one(ctx, [PostSource("stackexchange", s, api_url, tagged) for s in sites], max_wait)

    @sync_app.command("discourse")
    def discourse(ctx: typer.Context, urls: Annotated[list[str], typer.Argument(help="Discourse forums.")],
                  max_wait: MaxWait = 3600) -> None:  # fmt: skip
        """Ingest Discourse topics, replies and accepted solutions (NICHE_DISCOURSE_API_KEY for private ones)."""
        one(ctx, [PostSource("discourse", u) for u in urls], max_wait)

    @sync_app.command("feeds")
    def feeds(ctx: typer.Context, targets: Annotated[list[str], typer.Argument(help="RSS/Atom feed URLs, or "
              "OPML files or URLs listing a planet's feeds.")], max_wait: MaxWait = 3600) -> None:  # fmt: skip
        """Ingest blog posts: each credited to its author, its links indexed as breadcrumbs."""
        one(ctx, [], max_wait, targets)

    @sync_app.command("slack")
    def slack(ctx: typer.Context, channels: Annotated[list[str], typer.Argument(help="Channel ids, e.g. C011DUKE8.")],
              api_url: ApiUrl = None, max_wait: MaxWait = 3600) -> None:  # fmt: skip
        """Ingest Slack channels through the Web API (token from SLACK_TOKEN): messages, threads, answers."""
        one(ctx, [PostSource("slack", c, api_url) for c in channels], max_wait)

    @sync_app.command("slack-export")
    def slack_export(ctx: typer.Context, files: Annotated[list[Path], typer.Argument(help="Workspace export zips.")]
                     ) -> None:  # fmt: skip
        """Ingest a Slack workspace export (the zip Slack's admins download): every channel in it."""
        one(ctx, [PostSource("slack-export", str(f)) for f in files], 0)

    @sync_app.command("mattermost")
    def mattermost(ctx: typer.Context, url: Annotated[str, typer.Argument(help="The Mattermost server.")],
                   channels: Annotated[list[str], typer.Argument(help="Channel ids.")],
                   max_wait: MaxWait = 3600) -> None:  # fmt: skip
        """Ingest Mattermost channels (API v4, token from MATTERMOST_TOKEN): posts, threads, answers."""
        one(ctx, [PostSource("mattermost", c, url) for c in channels], max_wait)

    @sync_app.command("zulip")
    def zulip(ctx: typer.Context, url: Annotated[str, typer.Argument(help="The Zulip server, e.g. "
              "https://chat.zulip.org")], streams: Annotated[list[str], typer.Argument(help="Stream names.")],
              max_wait: MaxWait = 3600) -> None:  # fmt: skip
        """Ingest Zulip streams (ZULIP_EMAIL and ZULIP_API_KEY): messages, topics, answers, bots."""
        one(ctx, [PostSource("zulip", s, url) for s in streams], max_wait)

    @sync_app.command("gitter")
    def gitter(ctx: typer.Context, rooms: Annotated[list[str], typer.Argument(help="Rooms, e.g. org/repo.")],
               api_url: ApiUrl = SERVICES["gitter"][0], max_wait: MaxWait = 3600) -> None:  # fmt: skip
        """Ingest Gitter rooms (token from GITTER_TOKEN): messages, threads, answers."""
        one(ctx, [PostSource("gitter", r, api_url) for r in rooms], max_wait)
