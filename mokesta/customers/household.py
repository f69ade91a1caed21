"""A household on one contract (issue 22): the holder invites people by e-mail with a role,
changes their roles and removes them; a member may leave. What each role may do is the query
layer's rule (customers/queries.py: ALLOWED).

An invitation is a single-use link valid INVITATION_DAYS days, mailed through the outbox. Only the
token's SHA-256 is stored; the link itself sits in the outbox row's context, so it is bound to
the invited address: it is accepted only by a logged-in account whose *confirmed* address is
the invited one (by the identity rule, accounts/identity.py). Anyone else — also staff reading
the outbox — gets a refusal that names no address and says nothing of whether an account has it.
Invitations per contract per day are limited (ACCOUNT_RATE_LIMITS "household_invitation").

Every change is written to the audit trail and mailed to the contract's holders."""

import datetime as dt
import hashlib
import secrets
import uuid

from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from mokesta.accounts.identity import email_key
from mokesta.accounts.limits import Limit
from mokesta.accounts.models import User
from mokesta.customers.models import Contract, ContractAccess, Invitation
from mokesta.lib.audit import ADDITION, CHANGE, DELETION, audit
from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.queue import queue

INVITATION_DAYS = 14
INVITATION_LIMIT = "household_invitation"  # per contract (the limit's key)
MEMBER_ROLES = (ContractAccess.Role.VIEW, ContractAccess.Role.DECLARE, ContractAccess.Role.PAY)

Role = ContractAccess.Role


class TooManyInvitations(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class InvitationInvalid(Exception):
    """Unknown, used, cancelled or expired: the page says the same for each."""


class WrongAccount(Exception):
    """The logged-in account has no confirmed address equal to the invited one."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_limit(contract: Contract) -> Limit:
    return Limit(INVITATION_LIMIT, key=f"contract:{contract.pk}")


def invite(
    *, request: HttpRequest, holder: User, contract: Contract, email: str, role: str
) -> Invitation:
    """Invite `email` to `contract` with a member `role` and mail the link. The caller has
    checked that `holder` may manage the contract (queries.user_contract(action="manage"))."""
    assert role in MEMBER_ROLES, role
    limit = invitation_limit(contract)
    if not limit.hit(request):
        raise TooManyInvitations(limit.retry_after(request) or limit.longest_window())
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            contract=contract,
            email=email,
            role=role,
            invited_by=holder,
            token_hash=token_hash(token),
            expires_at=now + dt.timedelta(days=INVITATION_DAYS),
        )
        audit(holder, invitation, ADDITION, f"Invited {email} as {role} to {contract}.")
        queue(
            [
                OutgoingMessage(
                    channel=OutgoingMessage.Channel.EMAIL,
                    recipient=email,
                    template="household-invitation",
                    context={
                        "inviter": holder.get_full_name() or holder.email,
                        "contract": contract.number,
                        "role": role,
                        "link": reverse("customers:invitation", args=[token]),
                        "expires_date": timezone.localdate(invitation.expires_at).isoformat(),
                    },
                    language="lt",
                    dedup_key=f"household-invitation:{invitation.pk}",
                )
            ]
        )
        tell_holders(contract, "invited", email=email, role=role, actor=holder)
    return invitation


def open_invitation(token: str) -> Invitation:
    """The invitation of `token` while it can still be accepted, else InvitationInvalid."""
    invitation = (
        Invitation.objects.select_related("contract", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.cancelled_at is not None
        or invitation.expires_at <= timezone.now()
        or not invitation.contract.is_valid_on(timezone.localdate())
    ):
        raise InvitationInvalid
    return invitation


def has_confirmed(user: User, email: str) -> bool:
    """Whether `email` is one of the user's confirmed addresses (by the identity rule)."""
    wanted = email_key(email)
    return any(
        email_key(address) == wanted
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    )


def accept(*, user: User, token: str) -> ContractAccess:
    """Accept the invitation of `token` as `user`: the user gets the invited role (a holder
    stays a holder). Single use: the row is locked and marked accepted in one transaction."""
    with transaction.atomic():
        found = open_invitation(token)
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        if invitation.accepted_at is not None:  # accepted meanwhile by a concurrent request
            raise InvitationInvalid
        if not has_confirmed(user, invitation.email):
            raise WrongAccount
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        access, created = ContractAccess.objects.get_or_create(
            user=user,
            contract=found.contract,
            defaults={
                "via": ContractAccess.Via.INVITATION,
                "role": invitation.role,
                "invited_by": invitation.invited_by,
            },
        )
        if not created and access.role != Role.HOLDER:
            access.role = invitation.role
            access.save(update_fields=["role"])
        audit(user, access, ADDITION, f"Accepted the invitation as {access.role}.")
        tell_holders(found.contract, "joined", email=user.email, role=access.role, actor=user)
    return access


def member_access(contract: Contract, pk: int) -> ContractAccess | None:
    """A member's (not a holder's) access row on `contract`: holders change only members."""
    return (
        ContractAccess.objects.filter(contract=contract, pk=pk)
        .exclude(role=Role.HOLDER)
        .select_related("user")
        .first()
    )


def change_role(*, actor: User, access: ContractAccess, role: str) -> None:
    assert role in MEMBER_ROLES, role
    if access.role == role:
        return
    with transaction.atomic():
        before, access.role = access.role, role
        access.save(update_fields=["role"])
        audit(actor, access, CHANGE, f"Role changed from {before} to {role}.")
        tell_holders(access.contract, "role", email=access.user.email, role=role, actor=actor)


def remove(*, actor: User, access: ContractAccess) -> None:
    """The holder removes a member, or a member leaves (actor = the member): the access row goes
    at once, so the member's next request for the contract is a 404."""
    with transaction.atomic():
        audit(actor, access, DELETION, f"Access of {access.user} removed by {actor}.")
        event = "left" if actor.pk == access.user_id else "removed"
        contract, email = access.contract, access.user.email
        access.delete()
        tell_holders(contract, event, email=email, role="", actor=actor)


def cancel_invitation(*, actor: User, invitation: Invitation) -> None:
    with transaction.atomic():
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
        audit(actor, invitation, CHANGE, "Invitation cancelled.")


def holder_linked(*, user: User, contract: Contract) -> None:
    """A new holder by the contract number and payer code or by the customer's e-mail."""
    audit(user, contract, CHANGE, f"{user} linked the contract as its holder.")
    tell_holders(contract, "holder", email=user.email, role=Role.HOLDER, actor=user)


def tell_holders(contract: Contract, event: str, *, email: str, role: str, actor: User) -> None:
    """Mail every holder of `contract` what changed in its access („Prieiga")."""
    holders = User.objects.filter(
        contract_accesses__contract=contract,
        contract_accesses__role=Role.HOLDER,
        is_active=True,
    ).exclude(email="")
    change = uuid.uuid4().hex  # each change is its own message
    queue(
        [
            OutgoingMessage(
                channel=OutgoingMessage.Channel.EMAIL,
                recipient=holder.email,
                template="household-change",
                context={
                    "first_name": holder.first_name,
                    "contract": contract.number,
                    "event": event,
                    "email": email,
                    "role": role,
                    "actor": actor.get_full_name() or actor.email,
                },
                language=holder.language,
                user=holder,
                dedup_key=f"household:{change}:{holder.pk}",
            )
            for holder in holders
        ]
    )
