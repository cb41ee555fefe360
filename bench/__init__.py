"""Benchmarks that print measured figures (not timed tests): ``python -m bench <name>``.

Each benchmark is a module ``bench.<name>`` with a ``main(argv) -> int`` function.
"""
