"""Synthetic ecosystem graphs of a chosen size, with known chain counts, for scale tests."""
