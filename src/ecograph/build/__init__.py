"""Building the graph's artefacts (``ecograph build``) and the main job (``ecograph run``)."""

__all__: list[str] = []  # the API is in the modules: ecograph.build.<module>
