"""Pydantic request and response models, apart from the tables."""
