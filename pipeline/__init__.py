"""klynge: extraction pipeline for Norwegian and English press releases.

Stages, in the order data flows: ingest -> normalise -> language -> sections ->
entities -> records -> emit. Each is one module of this package.
"""
__version__ = "0.1.0"
SCHEMA_VERSION = "1.0"
