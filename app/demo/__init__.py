"""``starcert demo-data``: a realistic register for demonstrations and the benchmark."""
