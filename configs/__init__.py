"""Bundled interview scripts (TOML data files; this package holds no code).

It is a package only so the scripts install with the program and are found with
``importlib`` whether the project is installed editable or as a wheel.
"""
