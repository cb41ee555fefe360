"""Purchase histories made with plain numpy (not :mod:`kundenmodell.synth`) for the CLV trust
tests: short histories with few repeats, as a tester found them, and degenerate variants."""

import numpy as np
import pandas as pd

from kundenmodell import Dataset

END = pd.Timestamp("2025-12-31")
VARIANTS = ("short", "once", "same_day", "three", "huge_age", "last_week", "equal_amounts")


def short_histories(
    n: int = 400, *, seed: int = 0, purchases: tuple[int, int] = (1, 4), equal: bool = False
) -> pd.DataFrame:
    """``n`` customers, each with a number of purchases drawn from ``purchases`` (inclusive) on
    days drawn uniformly over their own history of one to two years up to :data:`END`; amounts
    ~ Gamma(2, 20), or all 25.00 with ``equal``."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(purchases[0], purchases[1] + 1, n)
    history = rng.integers(365, 731, n)
    customer = np.repeat(np.arange(n), counts)
    days_before_end = rng.integers(0, np.repeat(history, counts) + 1)
    # Every customer's first purchase opens their history.
    first = np.r_[0, np.cumsum(counts)[:-1]]
    days_before_end[first] = history
    amount = np.full(len(customer), 25.0) if equal else rng.gamma(2.0, 20.0, len(customer))
    return pd.DataFrame(
        {
            "customer_id": [f"K{number:04d}" for number in customer],
            "date": END - pd.to_timedelta(days_before_end, unit="D"),
            "amount": amount.round(2),
        }
    )


def variant(name: str, seed: int = 0) -> Dataset:
    """A data set for one of :data:`VARIANTS`:

    - ``short``: 400 customers with 1–4 purchases over 1–2 years;
    - ``once``: everyone bought exactly once;
    - ``same_day``: everyone bought (1–4 times) on the same day;
    - ``three``: three customers only;
    - ``huge_age``: the ``short`` histories moved 60 years back, one purchase at the end;
    - ``last_week``: all purchases in the last week;
    - ``equal_amounts``: ``short`` with every purchase at 25.00 (no spread in spend).
    """
    purchases = short_histories(seed=seed, equal=name == "equal_amounts")
    if name == "once":
        purchases = purchases.drop_duplicates("customer_id")
    elif name == "same_day":
        purchases["date"] = END
    elif name == "three":
        purchases = purchases[purchases["customer_id"].isin(["K0000", "K0001", "K0002"])]
    elif name == "huge_age":
        purchases["date"] -= pd.Timedelta(days=60 * 365)
        purchases.loc[purchases.index[-1], "date"] = END  # one late purchase ends the data
    elif name == "last_week":
        purchases["date"] = END - pd.to_timedelta(
            np.random.default_rng(seed).integers(0, 7, len(purchases)), unit="D"
        )
    customers = pd.DataFrame({"customer_id": sorted(purchases["customer_id"].unique())})
    return Dataset(customers=customers, transactions=purchases.reset_index(drop=True))
