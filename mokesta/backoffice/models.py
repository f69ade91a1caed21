"""No models of its own: the back office works on the other apps' models.

The module exists because Django sends post_migrate (which sets up the staff groups) only to
apps that have one.
"""
