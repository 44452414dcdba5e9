"""Views of emitted output: built FROM the JSON Lines that ``klynge run`` writes, never
part of a run. Flat tables (:mod:`klynge.views.export`), the cluster registry in DuckDB
(:mod:`klynge.views.registry_db`) and a self-contained HTML page
(:mod:`klynge.views.render`); every table's columns and types have one home,
:mod:`klynge.views.tables`. All of them read their input with :mod:`klynge.views.read`.
"""
