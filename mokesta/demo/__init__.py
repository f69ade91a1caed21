"""Demo data for `make run` and the tests that need a full utility (`manage.py load_demo`).

The top layer: it may use every app below it, and no app uses it."""
