"""Tests of corridors."""
