"""Thin HTTP adapters, one file per resource."""
