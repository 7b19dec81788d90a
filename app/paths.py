"""The URL prefixes of starcert's surfaces, defined once."""

from __future__ import annotations

API_PREFIX = "/api/v1"
PUBLIC_PREFIX = "/public/v1"
# The human verification pages (HTML): /verify, /verify/{number}
PAGES_PREFIX = "/verify"
# Paths under the public rate limit: the public API and the pages
RATE_LIMITED_PREFIXES = (PUBLIC_PREFIX + "/", PAGES_PREFIX)
