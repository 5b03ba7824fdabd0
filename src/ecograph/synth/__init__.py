"""Synthetic ecosystem graphs of a chosen size, with known chain counts, for scale tests."""

__all__: list[str] = []  # the API is in the modules: ecograph.synth.<module>
