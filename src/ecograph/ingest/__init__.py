"""Ingest organisations, spaces, companies, events and figures from CSV or XLSX tables into graph/."""

from ecograph.ingest.duplicates import Duplicate
from ecograph.ingest.problems import IngestFailed, Problem
from ecograph.ingest.run import (
    IngestResult,
    OutputFile,
    TableRead,
    default_output,
    ingest,
)
from ecograph.ingest.schema import TABLE_KINDS, TableSchema, schema, schemas

__all__ = [
    "ingest",
    "IngestResult",
    "OutputFile",
    "TableRead",
    "IngestFailed",
    "Problem",
    "Duplicate",
    "default_output",
    "TABLE_KINDS",
    "TableSchema",
    "schema",
    "schemas",
]
