"""Turnaround statistics: what the reform achieves, per bundle and overall."""
