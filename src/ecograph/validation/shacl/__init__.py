"""A scalable SHACL engine: the project's shapes compiled into SPARQL SELECT queries run on pyoxigraph.

The parts, as in pySHACL: ``shapes`` (what a shape is reduced to, and the results), ``reader``
(the shapes graph into shapes), ``constraints/`` (one class per SHACL constraint component, each
reading its parameter and writing its SPARQL test), ``writer`` (the queries of a targeted shape),
``compiled`` (compiling and running).
"""

from ecograph.validation.shacl.compiled import CompiledShapes, compile_shapes, compile_shapes_file
from ecograph.validation.shacl.shapes import ShapeResult, UnsupportedShape, reported_shape

__all__ = ["UnsupportedShape", "ShapeResult", "CompiledShapes", "compile_shapes", "compile_shapes_file", "reported_shape"]
