"""Helpers the tests share (not an app): factories of customers, contracts, meters, invoices;
staff users and the admin client; the SMTP sink; billing builders; generated histories; catalogue
readers. A helper the tests of two apps need lives here, so no app's tests import another's."""
