"""Marketing implications generated from the role mix: whom to address, with what, where.

The rule is simple and stated on the page: in each group (a category, a customer type, …) the
consumer role other than ``self`` with the largest share of revenue shapes the marketing when
it reaches :data:`MIN_SHARE`. Groups where no such role does are bought mostly for the buyers
themselves; they are summed up in one implication at the end, since buyer and user are the
same person there and one message fits them all. Each role has a translated message and channel
(``roles_implication.message.<role>`` / ``.channel.<role>``) and an audience: the payer, payer
and user, or one person who is both. The sentence carries the measured share, e.g. "62 % of
revenue with “Toys” is bought for children: speak to parents about safety and value, to
children through the product".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundenmodell.i18n import format_percent, t, value_label
from kundenmodell.roles.purchases import SELF

MIN_SHARE = 0.25
MIN_PURCHASES = 20
MIN_OVERALL_SHARE = 0.05
LISTED_GROUPS = 6

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
    """What follows for marketing from one role's ``share`` of the revenue of ``groups``.

    ``groups`` is empty for an implication about all purchases; ``group_shares`` holds the
    role's share in each group (shown beside each group when there are several);
    ``group_column`` names what the groups are (``category``, ``customer_type``, ``activity``,
    …) so the group values can be shown with their translated labels. ``revenue`` is the
    role's revenue in those groups and ``share`` its share of their revenue together.
    """

    role: str
    share: float
    revenue: float
    groups: tuple[str, ...] = ()
    group_shares: tuple[float, ...] = ()
    group_column: str | None = None

    @property
    def audience(self) -> str:
        """``payer``, ``both`` (payer and user) or ``same`` (buyer and user are one person)."""
        return AUDIENCE[self.role]

    def _label(self, group: str, lang: str) -> str:
        return value_label(self.group_column, group, lang) if self.group_column else group

    def group_label(self, lang: str) -> str:
        """The groups in quotation marks, each with its own share when there are several
        (at most :data:`LISTED_GROUPS`, then "and n more"), or "all purchases"."""
        if not self.groups:
            return t("roles.all_purchases", lang)
        if len(self.groups) == 1:
            return t(
                "roles_implication.format.quoted", lang, label=self._label(self.groups[0], lang)
            )
        parts = [
            t(
                "roles_implication.format.quoted_share",
                lang,
                label=self._label(group, lang),
                share=format_percent(share, lang),
            )
            for group, share in zip(self.groups, self.group_shares, strict=True)
        ]
        listed = t("roles_implication.format.list_separator", lang).join(parts[:LISTED_GROUPS])
        if len(parts) > LISTED_GROUPS:
            return t(
                "roles_implication.format.more",
                lang,
                groups=listed,
                count=len(parts) - LISTED_GROUPS,
            )
        return listed

    def headline(self, lang: str) -> str:
        """The measured fact, e.g. "62 % of revenue with “Toys” is bought for children"."""
        share = format_percent(self.share, lang)
        if not self.groups:
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


def _merged(role: str, rows: pd.DataFrame, column: str | None) -> Implication:
    """One implication for ``role`` over the groups in ``rows`` (columns group, revenue and
    role_revenue), groups ordered by the role's revenue."""
    rows = rows.sort_values("role_revenue", ascending=False, kind="stable")
    role_revenue = float(rows["role_revenue"].sum())
    return Implication(
        role,
        role_revenue / float(rows["revenue"].sum()),
        role_revenue,
        tuple(str(group) for group in rows["group"]),
        tuple((rows["role_revenue"] / rows["revenue"]).astype(float)),
        column,
    )


def group_implications(
    summary: pd.DataFrame,
    mix: pd.DataFrame,
    *,
    group_column: str | None,
    min_share: float = MIN_SHARE,
    min_purchases: int = MIN_PURCHASES,
) -> tuple[Implication, ...]:
    """Implications for the groups with at least ``min_purchases`` purchases
    (:func:`kundenmodell.roles.mix.by_group`'s summary and mix).

    A group whose main non-self role reaches ``min_share`` of its revenue belongs to that
    role; the groups of one role share one implication (one message fits them), with share =
    Σ role revenue / Σ revenue over its groups. These come first, largest role revenue first.
    The remaining groups are bought mostly by the buyers for themselves and share one ``self``
    implication at the end.
    """
    groups = summary[(summary["purchases"] >= min_purchases) & (summary["revenue"] > 0)]
    strong = groups["main_other_role"].notna() & (groups["main_other_share"] >= min_share)
    led = groups[strong].assign(role_revenue=groups["main_other_share"] * groups["revenue"])
    found = [
        _merged(str(role), rows, group_column)
        for role, rows in led.groupby("main_other_role", sort=False)
    ]
    found.sort(key=lambda item: item.revenue, reverse=True)
    rest = groups[~strong]
    own = mix[mix["role"] == SELF].set_index("group")["revenue"]
    rest = rest.assign(role_revenue=own.reindex(rest["group"]).fillna(0.0).to_numpy())
    if not rest.empty and rest["role_revenue"].sum() > 0:
        found.append(_merged(SELF, rest, group_column))
    return tuple(found)


def overall_implications(
    roles: pd.DataFrame, *, min_share: float = MIN_OVERALL_SHARE
) -> tuple[Implication, ...]:
    """One implication per consumer role with at least ``min_share`` of all revenue (from
    :func:`kundenmodell.roles.mix.by_role`), roles other than ``self`` first, each part by
    revenue."""
    rows = roles[roles["revenue_share"] >= min_share]
    rows = rows.assign(own=(rows["role"] == SELF).astype(np.int8)).sort_values(
        ["own", "revenue"], ascending=[True, False]
    )
    return tuple(
        Implication(str(row.role), float(row.revenue_share), float(row.revenue))
        for row in rows.itertuples(index=False)
    )
