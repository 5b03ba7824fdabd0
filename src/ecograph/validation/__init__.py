"""Validation: SHACL shapes (compiled to SPARQL, or pySHACL), integrity checks and OWL reasoning."""
