"""Trained models shipped with klynge (installed as the package ``klynge_models``).

- ``scandi-ner/``: Bokmål, Nynorsk, Danish and Swedish NER pipeline (spaCy CNN).
- ``langid/``: the character n-gram language identifier.
See ``README.md`` in this folder for the model cards.
"""
