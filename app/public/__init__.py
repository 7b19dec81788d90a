"""Public verification: the hot, unauthenticated read path (api.md, Public verification).

It reads through the driver's own connection pool with the few fixed statements of
``queries`` (performance.md: SQLAlchemy's async layer costs most of the throughput here);
SQLAlchemy stays the layer for the models, the migrations and every write.
"""
