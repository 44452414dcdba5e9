"""What maintainers run, not what a user's document passes through.

``evaluate`` scores the pipeline against the gold corpus (``corpus``), ``rulecheck``
validates the rule files, and ``train_ner`` / ``train_langid`` rebuild the models from
the shared data with the configs in ``configs/``.
"""
