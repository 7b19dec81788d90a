"""``make bench``: the public read path at national-register scale, against a raw ceiling."""
