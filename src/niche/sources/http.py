"""One HTTP client for every web connector: base URLs, tokens from env, retries and rate limits.

Rate limits are waited out (Retry-After, X-RateLimit-Reset), up to `max_wait` seconds per wait,
with a message so the user knows why nothing moves; 5xx answers, timeouts and dropped
connections are retried with exponential backoff (stamina); anything else becomes one clear
SourceError naming the URL.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import stamina

from niche import __version__
from niche.credentials import strip_credentials, url_credentials
from niche.errors import SourceError

USER_AGENT = f"niche/{__version__} (+https://pypi.org/project/niche/)"
RETRIES = 6


class RateLimited(Exception):
    def __init__(self, wait: float, why: str):
        super().__init__(why)
        self.wait, self.why = wait, why


class ServerFault(Exception):
    """A 5xx answer: worth retrying."""


def rate_limit_wait(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait, or None when the answer is not a rate limit.

    429 always is; 403 is when it says so (GitHub's primary limit sends X-RateLimit-Remaining: 0,
    its secondary limit a Retry-After; GitLab sends RateLimit-Remaining: 0 and RateLimit-Reset).
    """
    if response.status_code not in (403, 429):
        return None
    now = time.time() if now is None else now
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        if retry_after.strip().isdigit():
            return float(retry_after)
        try:
            return max(0.0, parsedate_to_datetime(retry_after).timestamp() - now)
        except (TypeError, ValueError):
            pass
    for prefix in ("X-RateLimit-", "RateLimit-"):  # GitHub's, and GitLab's (the IETF draft's names)
        reset = response.headers.get(f"{prefix}Reset")
        if response.headers.get(f"{prefix}Remaining") == "0" and reset and reset.isdigit():
            return max(0.0, int(reset) - now) + 1
    return 60.0 if response.status_code == 429 else None


class HttpClient:
    """GET JSON (or text) from one service, politely and persistently; on_wait(seconds, line)
    hears every wait, a rate limit or a retry, as one line in words."""

    def __init__(
        self,
        base_url: str,
        token_env: str | None = None,
        auth_scheme: str = "Bearer",
        max_wait: float = 3600.0,
        timeout: float = 30.0,
        headers: Mapping[str, str] | None = None,
        on_wait: Callable[[float, str], None] | None = None,
        auth: httpx.Auth | None = None,
    ):
        hdrs = {"User-Agent": USER_AGENT, **(headers or {})}
        token = os.environ.get(token_env) if token_env else None
        if token:
            hdrs["Authorization"] = f"{auth_scheme} {token}"
        written = url_credentials(base_url)  # "https://user:pw@host": a login, never part of a URL shown
        if auth is None and written:
            auth = httpx.BasicAuth(*written)
        self.base_url = strip_credentials(base_url).rstrip("/")
        self.max_wait = max_wait
        self.on_wait = on_wait
        self.requests = 0  # answers received, retries included: what a sync cost
        self._client = httpx.Client(
            base_url=self.base_url, headers=hdrs, timeout=timeout, follow_redirects=True, auth=auth
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def _retry_hook(self, exc: Exception) -> bool | float:
        if isinstance(exc, RateLimited):
            if exc.wait > self.max_wait:
                return False
            if self.on_wait:
                self.on_wait(exc.wait, f"{exc.why}: waiting {exc.wait:.0f}s as the server asks")
            return exc.wait
        return isinstance(exc, ServerFault | httpx.TransportError)

    def _say_retry(self, url: str, what: object, tried: int, wait: float) -> None:
        """One line, in words, for a request that failed and will be tried again."""
        if self.on_wait and tried < RETRIES:
            self.on_wait(wait, f"{self.base_url}{url}: {what} (try {tried} of {RETRIES}); trying again in {wait:.0f}s")

    def get(
        self, url: str, params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """GET with retries; returns the answer for 2xx and 304, raises SourceError otherwise."""
        try:
            for attempt in stamina.retry_context(on=self._retry_hook, attempts=RETRIES, timeout=None, wait_max=60):
                with attempt:
                    try:
                        response = self._client.get(url, params=params, headers=headers)
                    except httpx.TransportError as exc:
                        self._say_retry(url, exc or type(exc).__name__, attempt.num, attempt.next_wait)
                        raise
                    self.requests += 1
                    wait = rate_limit_wait(response)
                    if wait is not None:
                        raise RateLimited(wait, f"rate limited by {response.url.host} (HTTP {response.status_code})")
                    if response.status_code >= 500:
                        self._say_retry(url, f"HTTP {response.status_code}", attempt.num, attempt.next_wait)
                        raise ServerFault(f"HTTP {response.status_code}")
        except RateLimited as exc:
            raise SourceError(
                f"{self.base_url}{url}: {exc.why}; the server asks to wait {timedelta(seconds=round(exc.wait))}, "
                f"more than --max-wait {self.max_wait:.0f}s; run again later (the sync resumes where it stopped)"
            ) from None
        except (ServerFault, httpx.TransportError) as exc:
            why = strip_credentials(str(exc)) or type(exc).__name__
            raise SourceError(f"{self.base_url}{url}: failed after {RETRIES} tries: {why}") from None
        if response.status_code >= 400:
            where = strip_credentials(str(response.url))  # a redirect may lead to a URL with a login
            raise SourceError(f"{where}: HTTP {response.status_code}: {response.text[:200].strip()}")
        return response
