"""Backtest of the disengagement risk on the store's own history: at many past dates, score everyone
active then, and check who went on to contribute nothing in the following months.

Only what was known at each date goes into its scores (workload.sql reads up to $as_of). The
baseline is the simplest rival: fewer contributions over the same 15 months, higher risk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from niche import metrics
from niche.errors import NicheError
from niche.insights.signals import BASELINE_MONTHS, RECENT_MONTHS, disengagement_risk
from niche.store import Store


@dataclass(frozen=True)
class Sample:
    as_of: datetime
    person_id: str
    risk: float  # niche's score
    contributions: int  # the baseline's: contributions over the 15 months up to as_of
    became_inactive: bool  # nothing at all in the horizon after as_of


@dataclass(frozen=True)
class Backtest:
    samples: list[Sample]
    dates: list[datetime]
    k: int

    @property
    def inactive(self) -> int:
        return sum(s.became_inactive for s in self.samples)

    def auc(self, baseline: bool = False) -> float:
        return roc_auc([self._score(s, baseline) for s in self.samples], [s.became_inactive for s in self.samples])

    def precision_at_k(self, baseline: bool = False) -> float:
        """Of the k highest-scored people at each date, the share who became inactive, averaged
        over the dates with at least k people (ties broken by person id, the same for both)."""
        shares = []
        for date in self.dates:
            here = [s for s in self.samples if s.as_of == date]
            if len(here) >= self.k:
                top = sorted(here, key=lambda s: (-self._score(s, baseline), s.person_id))[: self.k]
                shares.append(sum(s.became_inactive for s in top) / self.k)
        return sum(shares) / len(shares) if shares else float("nan")

    @staticmethod
    def _score(s: Sample, baseline: bool) -> float:
        return -s.contributions if baseline else s.risk


def roc_auc(scores: list[float], labels: list[bool]) -> float:
    """The probability that a random positive scores above a random negative, ties counting half
    (the Mann-Whitney U statistic over average ranks)."""
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        raise NicheError("ROC AUC needs people who became inactive and people who did not")
    order = sorted(range(len(scores)), key=scores.__getitem__)
    rank_sum = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        average_rank = (i + j) / 2 + 1
        rank_sum += average_rank * sum(labels[order[m]] for m in range(i, j + 1))
        i = j + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def backtest(
    store: Store,
    every_months: int = 3,
    horizon_months: int = 6,
    k: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> Backtest:
    """Dates every `every_months` from 15 months after the first contribution (a full baseline)
    to `horizon_months` before the last one (a full outcome)."""
    first, last = store.one("SELECT min(occurred_at), max(occurred_at) FROM person_activities")
    if first is None:
        raise NicheError("the store has no contributions to backtest on; run niche sync first")
    dates = store.value(
        """SELECT coalesce(generate_series($first + to_months($history), $last - to_months($horizon),
                                           to_months($every)), [])""",
        {"first": first, "last": last, "every": every_months, "history": RECENT_MONTHS + BASELINE_MONTHS,
         "horizon": horizon_months},
    )  # fmt: skip
    if not dates:
        raise NicheError(f"the store's history ({first:%Y-%m-%d} to {last:%Y-%m-%d}) is too short to backtest")
    samples = []
    for n, as_of in enumerate(dates, 1):
        later = {
            person
            for (person,) in store.con.execute(
                """SELECT DISTINCT person_id FROM person_activities
                   WHERE occurred_at > $as_of AND occurred_at <= $as_of + to_months($horizon)""",
                {"as_of": as_of, "horizon": horizon_months},
            ).fetchall()
        }
        for facts in metrics.run(store, "workload", as_of=as_of):
            samples.append(Sample(as_of, facts["person_id"], disengagement_risk(facts, as_of),
                                  facts["recent"] + facts["baseline"], facts["person_id"] not in later))  # fmt: skip
        if progress:
            progress(n, len(dates))
    return Backtest(samples, dates, k)
