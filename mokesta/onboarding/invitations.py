"""The invitation to a customer brought in by an import: how to register in the self-service
and link the contract. No account is created for them: the guide's registration stays the way
in (and registering with this very address links the contract by itself)."""

from mokesta.outbox.models import OutgoingMessage

TEMPLATE = "onboarding-invitation"


def dedup_key(contract_number: str) -> str:
    return f"invitation:contract:{contract_number}"


def invitation(*, email: str, name: str, contract_number: str) -> OutgoingMessage:
    """One e-mail per contract, ever (the outbox's unique dedup key)."""
    return OutgoingMessage(
        channel=OutgoingMessage.Channel.EMAIL,
        recipient=email,
        template=TEMPLATE,
        context={"name": name, "contract_number": contract_number},
        language="lt",
        dedup_key=dedup_key(contract_number),
    )
