"""klynge's version: its one home (pyproject.toml reads it; ``klynge.__version__`` and
every record's provenance name it). A leaf, so any module may import it."""
__version__ = "0.1.0"
