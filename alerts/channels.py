"""The one interface every delivery channel implements (e-mail, webhook, ...).

    class Channel(Protocol):
        name: str                       # the subscriptions' channel it serves: "email"
        def scope(self, target) -> str  # targets sharing one connection
        def send(self, digest) -> None  # returns only once the receiver accepted it
        def close(self) -> None

send() renders the stored digest (alerts.digest.Digest) in the channel's own format and
hands it over; it raises alerts.errors.DeliveryError (permanent / connection / recipient)
when the receiver did not accept it. The outbox (alerts.outbox) does everything else:
which digests are due, marking sent, retrying with backoff, parking, suspending. A
connection failure skips the rest of the pass's digests with the same scope (the same
SMTP server, the same webhook host), so one dead host costs one timeout, not one each.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from alerts.digest import Digest


class Channel(Protocol):
    name: str

    def scope(self, target: str) -> str: ...

    def send(self, digest: "Digest") -> None: ...

    def close(self) -> None: ...
