"""Baselines run on the same data and scored by the same code as our method."""
