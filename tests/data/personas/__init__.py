"""Independent data families for the buyer personas, with known groups.

Each module has a ``GROUPS`` table that says what separates the groups, a docstring that lists
the traps it sets (columns repeated on purchase rows, redundant pairs, noise, gaps) and a
``generate(n_customers, seed)`` returning a :class:`kundenmodell.Dataset` whose ``truth``
holds every customer's group. None of them uses :mod:`kundenmodell.synth`.
"""

from tests.data.personas import services, webshop, wholesale

FAMILIES = {"webshop": webshop, "wholesale": wholesale, "services": services}
"""Family name → module, each with ``GROUPS`` and ``generate``."""
