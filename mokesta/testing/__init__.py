"""Helpers the tests share: factories of customers, contracts, meters, invoices (not an app)."""
