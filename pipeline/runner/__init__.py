"""The runner: what carries documents through the stages, not a stage itself.

``process`` chains the stages for one batch (``Processor``), ``pieces`` cuts long documents
and joins their records, ``guards`` holds the per-document time budget, and ``batch`` runs
batches in this process, on a pool of worker processes or on Dask, writing the output.
"""
