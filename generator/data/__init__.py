"""Packaged reference data (gazetteer)."""
