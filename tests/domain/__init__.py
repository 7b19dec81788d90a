"""Pure tests of ``app.domain``: no database, no web app, no clock."""
