"""Marketing implications generated from the role mix: whom to address, with what, where.

The rule is simple and stated on the page: in each group (a category, a customer type, …) the
consumer role other than ``self`` with the largest share of revenue shapes the marketing when
it reaches :data:`MIN_SHARE`; otherwise buyer and user are mostly the same person. Each role has
a translated message and channel (``roles_implication.message.<role>`` / ``.channel.<role>``)
and an audience: the payer, payer and user, or one person who is both. The sentence carries the
measured share, e.g. "62 % of revenue with “Toys” is bought for children: speak to parents
about safety and value, to children through the product".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kundenmodell.i18n import format_percent, t, value_label
from kundenmodell.roles.purchases import SELF

MIN_SHARE = 0.25
MIN_PURCHASES = 20
MIN_OVERALL_SHARE = 0.05
LIMIT = 8

# Whom marketing has to reach for purchases of each role.
AUDIENCE: dict[str, str] = {
    "self": "same",
    "child": "both",
    "partner": "payer",
    "gift": "payer",
    "employee": "both",
    "other": "payer",
}


@dataclass(frozen=True)
class Implication:
    """What follows for marketing from one role's ``share`` of a group's revenue.

    ``group`` is None for an implication about all purchases; ``group_column`` names what the
    groups are (``category``, ``customer_type``, ``activity``, …) so the group value can be
    shown with its translated label.
    """

    role: str
    share: float
    revenue: float
    group: str | None = None
    group_column: str | None = None

    @property
    def audience(self) -> str:
        """``payer``, ``both`` (payer and user) or ``same`` (buyer and user are one person)."""
        return AUDIENCE[self.role]

    def group_label(self, lang: str) -> str:
        if self.group is None:
            return t("roles.all_purchases", lang)
        return value_label(self.group_column, self.group, lang) if self.group_column else self.group

    def headline(self, lang: str) -> str:
        """The measured fact, e.g. "62 % of revenue with “Toys” is bought for children"."""
        share = format_percent(self.share, lang)
        if self.group is None:
            return t(f"roles_implication.headline_total.{self.role}", lang, share=share)
        return t(
            f"roles_implication.headline.{self.role}",
            lang,
            share=share,
            group=self.group_label(lang),
        )

    def message(self, lang: str) -> str:
        return t(f"roles_implication.message.{self.role}", lang)

    def channel(self, lang: str) -> str:
        return t(f"roles_implication.channel.{self.role}", lang)

    def audience_label(self, lang: str) -> str:
        return t(f"roles_implication.audience.{self.audience}", lang)

    def sentence(self, lang: str) -> str:
        """Headline and message as one sentence."""
        return t(
            "roles_implication.sentence",
            lang,
            headline=self.headline(lang),
            message=self.message(lang),
        )


def group_implications(
    summary: pd.DataFrame,
    mix: pd.DataFrame,
    *,
    group_column: str | None,
    min_share: float = MIN_SHARE,
    min_purchases: int = MIN_PURCHASES,
    limit: int = LIMIT,
) -> tuple[Implication, ...]:
    """One implication per group with at least ``min_purchases`` purchases: for the main
    non-self role when its revenue share reaches ``min_share``, otherwise for ``self``. Ordered
    by the revenue the implication is about, largest first, at most ``limit``."""
    found = []
    for row in summary.itertuples(index=False):
        if row.purchases < min_purchases or row.revenue <= 0:
            continue
        if pd.notna(row.main_other_role) and row.main_other_share >= min_share:
            role, share = str(row.main_other_role), float(row.main_other_share)
        else:
            cell = mix[(mix["group"] == row.group) & (mix["role"] == SELF)]
            if cell.empty:
                continue
            role, share = SELF, float(cell["revenue_share"].iloc[0])
        found.append(Implication(role, share, share * row.revenue, row.group, group_column))
    found.sort(key=lambda item: item.revenue, reverse=True)
    return tuple(found[:limit])


def overall_implications(
    roles: pd.DataFrame, *, min_share: float = MIN_OVERALL_SHARE
) -> tuple[Implication, ...]:
    """One implication per consumer role with at least ``min_share`` of all revenue (from
    :func:`kundenmodell.roles.mix.by_role`), largest revenue first."""
    rows = roles[roles["revenue_share"] >= min_share].sort_values("revenue", ascending=False)
    return tuple(
        Implication(str(row.role), float(row.revenue_share), float(row.revenue))
        for row in rows.itertuples(index=False)
    )
