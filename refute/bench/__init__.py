"""``refute bench``: what a fault proof costs, measured, gated and predicted.

The suite runs the ``fault`` guest in the zkVM executor over generated
workloads (:mod:`refute.bench.workloads`) and the ``block`` guest over the real
fixture blocks, records cycles (deterministic) and timings (medians, never
gated), prices them with :mod:`refute.bench.cost`, writes JSON, Markdown and
PNG plots (:mod:`refute.bench.report`), compares cycles with the committed
baseline (:mod:`refute.bench.gate`) and fits the predictor ``refute fault
prove --estimate`` uses (:mod:`refute.bench.model`).
"""
