"""Use cases: load → apply the domain rules → persist → record the event; one commit each."""
