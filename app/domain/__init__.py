"""The pure domain core of starcert: rules of GB/T 27922-2011 and starcert's policy.

Nothing in this package performs I/O, reads settings or a clock, or imports a web or
database framework; callers pass ``today`` and configured values in. It is the functional
core; the services are its shell.
"""
