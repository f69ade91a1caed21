"""Demo invoices and payments for `make run`, produced by the real billing run."""

from typing import TextIO


def load_billing_demo(*, stdout: TextIO) -> None:
    """Bill every past demo month and record payments; filled in by the billing engine issue."""
