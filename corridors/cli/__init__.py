"""The ``corridors`` command line: a thin shell over the library (only this package imports click)."""
