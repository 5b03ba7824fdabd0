"""Building the graph's artefacts (``ecograph build``) and the main job (``ecograph run``)."""
