"""The synthetic demo city: generated registry files and the demo accounts."""
