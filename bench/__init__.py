"""Benchmarks: rerunnable measurements reported as ratios within one run (never timed tests).

Run all with `make bench` (or `python -m bench`); each module also runs alone:
`python -m bench.tables`, `python -m bench.nlp`, `python -m bench.validate`, `python -m bench.serve`.
"""
