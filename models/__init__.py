"""Trained models shipped with klynge (installed as the package ``klynge_models``).

- ``nb-ner/``: Norwegian (Bokmål + Nynorsk) NER pipeline trained on NorNE.
- ``langid/``: the character n-gram language identifier.
See ``README.md`` in this folder for the model cards.
"""
