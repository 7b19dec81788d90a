"""Public verification: the hot, unauthenticated read path (docs/api.md, The public surface).

It reads through the driver's own connection pool with the few fixed statements of
``queries`` (docs/performance.md: SQLAlchemy's async layer costs most of the throughput here);
SQLAlchemy stays the layer for the models, the migrations and every write.
"""
