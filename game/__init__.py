"""Embedcraft: an Infinite Craft-style game where A + B is the word nearest to vec(A) + vec(B)."""

__version__ = "0.1.0"
