"""Embedcraft benchmarks: run them all with ``.venv/bin/python -m benchmarks [--quick]``.

Each benchmark lives in its own module with a ``main(quick)`` entry point and only prints:
plain tables whose ratios are taken against a baseline measured in the same run. Nothing here
asserts on timings.

- :mod:`benchmarks.bench_combine`: one-pair latency and recall@1 of the engine against exact
  numpy search on synthetic worlds of 1k, 10k and 100k words, plus a ``search_k`` sweep.
- :mod:`benchmarks.bench_batch`: per-pair cost of ``World.combine_many`` (what
  ``embedcraft try --batch`` calls) against a naive exact search per pair.
- :mod:`benchmarks.bench_cli`: wall time of ``embedcraft try water fire`` against importing
  sentence-transformers, and a check that ``try`` never imports torch.
"""
