"""The delivery log admins read, and sending a set-aside delivery again."""
from __future__ import annotations

from dataclasses import dataclass

from dropin_common.kernel import Conflict, NotFound

from ..domain.deliveries import GIVEN_UP, Delivery
from ..ports import DeliveryFilter, UnitOfWorkFactory


@dataclass(frozen=True)
class DeliveryPage:
    deliveries: list[Delivery]
    total: int


def list_deliveries(uow: UnitOfWorkFactory, criteria: DeliveryFilter, skip: int, limit: int) -> DeliveryPage:
    with uow() as work:
        return DeliveryPage(work.deliveries.find(criteria, skip, limit), work.deliveries.count(criteria))


def retry_delivery(uow: UnitOfWorkFactory, delivery_id: int) -> Delivery:
    """Only a given-up delivery: one still pending or failing is already being retried."""
    with uow() as work:
        delivery = work.deliveries.get(delivery_id)
        if delivery is None:
            raise NotFound("No such delivery.", code="delivery_not_found")
        if delivery.status != GIVEN_UP:
            raise Conflict(f"The delivery is {delivery.status}; only a given-up one can be sent again.",
                           code="delivery_not_given_up")
        work.deliveries.send_again(delivery_id)
        queued = work.deliveries.get(delivery_id)
        work.commit()
    assert queued is not None  # the row was there a moment ago, in this transaction
    return queued
