"""Hand-written camt.053 statements for tests."""


def document(*entries: str, version: str = "001.02") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.{version}">'
        "<BkToCstmrStmt><Stmt><Acct><Id><IBAN>LT407300010012345678</IBAN></Id></Acct>"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def entry(
    amount: str,
    *transactions: str,
    ref: str = "",
    status: str = "<Sts>BOOK</Sts>",
    booked: str = "2026-11-02",
    indicator: str = "CRDT",
) -> str:
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{status}'
        + (f"<BookgDt><Dt>{booked}</Dt></BookgDt>" if booked else "")
        + (f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else "")
        + "<NtryDtls>"
        + "".join(transactions)
        + "</NtryDtls></Ntry>"
    )


def tx(text: str, *, amount: str = "", payer: str = "Petras Jankauskas", refs: str = "") -> str:
    """A transaction; by default with the placeholder ids payers' banks send."""
    refs = refs or "<EndToEndId>NOTPROVIDED</EndToEndId><InstrId>NOTPROVIDED</InstrId>"
    return (
        f"<TxDtls><Refs>{refs}</Refs>"
        + (f'<Amt Ccy="EUR">{amount}</Amt>' if amount else "")
        + f"<RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr></RltdPties>"
        f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"
    )
