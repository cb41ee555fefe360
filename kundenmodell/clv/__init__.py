"""Customer lifetime value: buy-till-you-die models, retention and churn.

>>> from kundenmodell import clv, synth
>>> data = synth.generate(3_000, seed=2)
>>> summary = clv.summary_from_transactions(data.transactions)
>>> bg = clv.BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
>>> sorted(bg.params_)
['a', 'alpha', 'b', 'r']
>>> gg = clv.GammaGammaModel().fit(summary["frequency"], summary["monetary_value"])
>>> value = clv.customer_lifetime_value(bg, gg, summary, months=12, annual_discount_rate=0.1)
>>> bool((value >= 0).all())
True

- :mod:`.summary`: purchases → frequency, recency, T, monetary value per customer;
- :mod:`.fitter`: the one maximum-likelihood fitter; :mod:`.bgnbd` (BG/NBD) and
  :mod:`.gamma_gamma` (Gamma-Gamma) only declare parameters and log-likelihood;
- :mod:`.value`: discounted CLV; :mod:`.churn`: Kaplan–Meier retention and monthly churn;
- :mod:`.holdout`: calibration/hold-out check; :mod:`.thin`: is the data enough?;
  :mod:`.trust`: can a fitted model back its numbers, and if not, why not?;
- :mod:`.analysis`: the whole analysis of a data set, as the workbench page shows it;
  :mod:`.charts`: its Altair charts;
- :mod:`.in_place`: the same figures for a source that stays in the engine (tens of millions
  of customers): fit on the weighted (x, t_x, T) cells, exact population values, the top
  customers ranked in the engine.
"""

from kundenmodell.clv.adequacy import Adequacy, Shortfall, check_adequacy, check_holdout
from kundenmodell.clv.bgnbd import BetaGeoModel
from kundenmodell.clv.churn import churn_summary, customer_lifetimes, kaplan_meier, retention_curves
from kundenmodell.clv.fitter import MaximumLikelihoodModel
from kundenmodell.clv.gamma_gamma import GammaGammaModel
from kundenmodell.clv.holdout import calibration_and_holdout, holdout_comparison, tracking
from kundenmodell.clv.summary import summary_from_transactions
from kundenmodell.clv.trust import Doubt, Reason, Trust, model_doubts
from kundenmodell.clv.value import customer_lifetime_value

__all__ = [
    "Adequacy",
    "BetaGeoModel",
    "Doubt",
    "GammaGammaModel",
    "MaximumLikelihoodModel",
    "Reason",
    "Shortfall",
    "Trust",
    "calibration_and_holdout",
    "check_adequacy",
    "check_holdout",
    "churn_summary",
    "customer_lifetime_value",
    "customer_lifetimes",
    "holdout_comparison",
    "kaplan_meier",
    "model_doubts",
    "retention_curves",
    "summary_from_transactions",
    "tracking",
]
