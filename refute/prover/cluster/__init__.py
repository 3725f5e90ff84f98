"""Segment-parallel proving on a Ray cluster (``refute prove --cluster``).

Modules: :mod:`.planner` (the join tree; pure), :mod:`.store` (content-addressed
receipts on disk), :mod:`.segments` (the native steps), :mod:`.tasks` (Ray
tasks), :mod:`.driver` (the DAG), :mod:`.connect` (cluster sessions) and
:mod:`.api` (the command's entry point). Only the last four import Ray, and
only when used.
"""
