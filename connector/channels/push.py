"""Pushing a connection's changed offers to its channel, exactly once in effect.

A run owns the connection under a lease (a conditional UPDATE, as shipments are
claimed), reads the market's offers changed after ``synced_seq`` a batch at a
time, then the SKUs whose retry is due, and for each SKU brings the channel to
what the offer says:

- on sale: the channel's product id is taken from our row, else looked up by our
  SKU at the channel (``find``), else the product is created, and its id stored
  and committed at once. A run killed between the channel's create and our
  commit finds the product by SKU next time and updates it: never a second one;
- off sale (withdrawn or held): stock to 0 and unlisted, if the channel has it;
- refused by the channel's rules (ours, checked before any call, or the
  channel's own answer): the reasons are stored for the seller to read.

Transient failures retry with exponential backoff; after ``max_attempts`` or a
permanent error the SKU waits for a person (or a change of the offer).
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from adapters.channels.base import ChannelClient, ChannelProduct, ChannelRefused
from adapters.errors import AdapterError, ProviderNotConfigured
from connector.channels import products
from connector.channels.connections import client_for, enqueue_push
from connector.extensions import db
from connector.feeds.presentation import Presentation
from connector.models import ChannelConnection, ChannelListing, Offer, SyncStatus
from connector.models.types import utcnow

log = logging.getLogger(__name__)
# Statuses that need nothing more until the offer (and so the product's hash) changes.
SETTLED = (SyncStatus.SYNCED, SyncStatus.DELISTED, SyncStatus.REFUSED, SyncStatus.FAILED)
WITHDRAWN_HASH = "withdrawn"


@dataclass
class PushResult:
    outcome: str = "done"  # done | busy | disabled | more | stopped
    offers: int = 0
    pushed: int = 0
    failed: int = 0
    retry_in: float | None = None
    errors: list[str] = field(default_factory=list)


def _settings() -> dict:
    return current_app.config["CHANNEL_PUSH"]


def backoff(attempts: int) -> float:
    settings = _settings()
    return min(
        float(settings["backoff_seconds"]) * 2 ** max(0, attempts - 1),
        float(settings["backoff_max_seconds"]),
    )


# -- the lease ------------------------------------------------------------------------


def claim(connection_id: int, now: datetime) -> str | None:
    token = secrets.token_hex(16)
    claimed = db.session.execute(
        update(ChannelConnection)
        .where(
            ChannelConnection.id == connection_id,
            ChannelConnection.enabled.is_(True),
            or_(ChannelConnection.lease_until.is_(None), ChannelConnection.lease_until < now),
        )
        .values(
            lease_token=token,
            lease_until=now + timedelta(seconds=_settings()["lease_seconds"]),
            last_run_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return token if claimed else None


def _release(connection_id: int, token: str) -> None:
    db.session.rollback()
    db.session.execute(
        update(ChannelConnection)
        .where(ChannelConnection.id == connection_id, ChannelConnection.lease_token == token)
        .values(lease_token=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _still_mine(connection_id: int, token: str) -> bool:
    held = db.session.execute(
        select(ChannelConnection.lease_token).where(ChannelConnection.id == connection_id)
    ).scalar()
    return held == token


# -- a run ----------------------------------------------------------------------------


def run(connection_id: int, now: datetime | None = None) -> PushResult:
    """One push run for the connection; ``outcome`` "more" asks for another run at once."""
    now = now or utcnow()
    row = db.session.get(ChannelConnection, connection_id)
    if row is None or not row.enabled:
        return PushResult(outcome="disabled")
    token = claim(connection_id, now)
    if token is None:
        return PushResult(outcome="busy")
    try:
        return _run(connection_id, token, now)
    finally:
        _release(connection_id, token)


def _run(connection_id: int, token: str, now: datetime) -> PushResult:
    connection = db.session.get(ChannelConnection, connection_id)
    client = client_for(connection)
    presentation = products.presentation_for(connection)
    result = PushResult()
    deadline = time.monotonic() + float(_settings()["budget_seconds"])
    batch = int(_settings()["batch"])
    try:
        # Retries first: they waited longest.
        for offer in _due_retries(connection, now, batch):
            _push_offer(client, connection, offer, presentation, now, result)
        while time.monotonic() < deadline:
            if not _still_mine(connection_id, token):
                result.outcome = "stopped"
                return result
            offers = _changed_offers(connection, batch)
            if not offers:
                break
            for offer in offers:
                _push_offer(client, connection, offer, presentation, now, result)
                connection.synced_seq = offer.feed_seq
                db.session.commit()
        else:
            result.outcome = "more"
    except ProviderNotConfigured as error:
        # The shop refuses our credentials: nothing else can go through; the seller
        # must fix them (the connection shows why) and the run stops where it is.
        db.session.rollback()
        connection = db.session.get(ChannelConnection, connection_id)
        connection.last_error_code = error.code
        db.session.commit()
        result.outcome = "stopped"
        result.errors.append(error.code)
        return result
    if connection.last_error_code:
        connection.last_error_code = None
        db.session.commit()
    result.retry_in = _next_retry_in(connection, now)
    return result


def _changed_offers(connection: ChannelConnection, limit: int) -> list[Offer]:
    return list(
        db.session.execute(
            select(Offer)
            .where(
                Offer.market_code == connection.market_code,
                Offer.feed_seq > connection.synced_seq,
            )
            .order_by(Offer.feed_seq)
            .limit(limit)
        ).scalars()
    )


def _due_retries(connection: ChannelConnection, now: datetime, limit: int) -> list[Offer]:
    offer_ids = (
        select(ChannelListing.offer_id)
        .where(
            ChannelListing.connection_id == connection.id,
            ChannelListing.status == SyncStatus.RETRYING,
            ChannelListing.next_attempt_at <= now,
        )
        .distinct()
        .limit(limit)
    )
    return list(db.session.execute(select(Offer).where(Offer.id.in_(offer_ids))).scalars())


def _next_retry_in(connection: ChannelConnection, now: datetime) -> float | None:
    soonest = db.session.execute(
        select(ChannelListing.next_attempt_at)
        .where(
            ChannelListing.connection_id == connection.id,
            ChannelListing.status == SyncStatus.RETRYING,
        )
        .order_by(ChannelListing.next_attempt_at)
        .limit(1)
    ).scalar()
    if soonest is None:
        return None
    return max(1.0, (soonest - now).total_seconds())


def _state(connection: ChannelConnection, sku: str) -> ChannelListing | None:
    return db.session.execute(
        select(ChannelListing).where(
            ChannelListing.connection_id == connection.id, ChannelListing.sku == sku
        )
    ).scalar_one_or_none()


def _push_offer(
    client: ChannelClient,
    connection: ChannelConnection,
    offer: Offer,
    presentation: Presentation,
    now: datetime,
    result: PushResult,
) -> None:
    result.offers += 1
    wanted_skus = products.products_of(offer, connection, presentation)
    for sku, product in [*wanted_skus, *_dropped(connection, offer, wanted_skus)]:
        state = _state(connection, sku)
        never_pushed = state is None or (
            state.channel_product_id is None and state.status == SyncStatus.PENDING
        )
        if product is None and never_pushed:
            continue  # not for sale and never sent: nothing to take down
        wanted = WITHDRAWN_HASH if product is None else product.fingerprint()
        if state is None:
            state = ChannelListing(
                connection_id=connection.id,
                offer_id=offer.id,
                sku=sku,
                status=SyncStatus.PENDING,
                reasons=[],
                attempts=0,
            )
            db.session.add(state)
        elif _settled(state, wanted, now):
            continue
        if state.desired_hash != wanted:
            state.attempts = 0
        state.offer_id = offer.id
        state.desired_hash = wanted
        _sync_sku(client, state, sku, product, now, result)


def _dropped(
    connection: ChannelConnection, offer: Offer, current: list[tuple[str, object]]
) -> list[tuple[str, None]]:
    """SKUs we pushed for this offer that it no longer has (a variant was removed):
    taken down like a withdrawn offer."""
    skus = {sku for sku, _product in current}
    pushed = db.session.execute(
        select(ChannelListing.sku).where(
            ChannelListing.connection_id == connection.id,
            ChannelListing.offer_id == offer.id,
        )
    ).scalars()
    return [(sku, None) for sku in pushed if sku not in skus]


def _settled(state: ChannelListing, wanted: str, now: datetime) -> bool:
    if state.desired_hash != wanted:
        return False
    if state.status in SETTLED:
        return True
    return state.status == SyncStatus.RETRYING and (
        state.next_attempt_at is not None and state.next_attempt_at > now
    )


def _sync_sku(
    client: ChannelClient,
    state: ChannelListing,
    sku: str,
    product: ChannelProduct | None,
    now: datetime,
    result: PushResult,
) -> None:
    try:
        if product is None:
            _withdraw(client, state, sku)
        else:
            _list(client, state, product)
    except ChannelRefused as refused:
        _record_refusal(state, refused)
        result.failed += 1
    except ProviderNotConfigured:
        raise  # the whole shop is refused: the run records it on the connection
    except AdapterError as error:
        _record_failure(state, error, now, final=not error.transient)
        result.failed += 1
    else:
        result.pushed += 1
    db.session.commit()


def _found_or_known(client: ChannelClient, state: ChannelListing, sku: str) -> str | None:
    """The channel's id for our SKU: ours if stored, else a look-up at the channel (kept)."""
    if state.channel_product_id is None:
        found = client.find(sku)
        if found is not None:
            state.channel_product_id = found
            db.session.commit()
    return state.channel_product_id


def _list(client: ChannelClient, state: ChannelListing, product: ChannelProduct) -> None:
    client.check(product)  # refused before any call when the channel's rules forbid it
    product_id = _found_or_known(client, state, product.sku)
    if product_id is None:
        state.channel_product_id = client.create(product)
        db.session.commit()  # the id first: from here on a re-run updates
    else:
        if state.pushed_hash == WITHDRAWN_HASH:
            client.relist(product_id, product.sku)
        client.update(product_id, product)
    _done(state, SyncStatus.SYNCED)


def _withdraw(client: ChannelClient, state: ChannelListing, sku: str) -> None:
    product_id = _found_or_known(client, state, sku)
    if product_id is not None:
        client.withdraw(product_id, sku)
    _done(state, SyncStatus.DELISTED)


def _done(state: ChannelListing, status: SyncStatus) -> None:
    state.status = status
    state.pushed_hash = state.desired_hash
    state.pushed_at = state.updated_at = utcnow()
    state.reasons = []
    state.error_code = state.error_message = None
    state.attempts = 0
    state.next_attempt_at = None


def _record_refusal(state: ChannelListing, refused: ChannelRefused) -> None:
    state.status = SyncStatus.REFUSED
    state.reasons = refused.reasons
    state.error_code = refused.code
    state.error_message = refused.message[:500]
    state.next_attempt_at = None
    state.updated_at = utcnow()


def _record_failure(state: ChannelListing, error: AdapterError, now: datetime, final: bool):
    state.attempts = (state.attempts or 0) + 1
    state.error_code = error.code[:64]
    state.error_message = str(error)[:500]
    state.reasons = []
    state.updated_at = utcnow()
    if final or state.attempts >= int(_settings()["max_attempts"]):
        state.status = SyncStatus.FAILED
        state.next_attempt_at = None
    else:
        state.status = SyncStatus.RETRYING
        state.next_attempt_at = now + timedelta(seconds=backoff(state.attempts))
    log.info("channel push %s: %s (%s)", state.sku, state.status, error.code)


# -- starting runs --------------------------------------------------------------------


def after_offers_written(market_codes: list[str] | None = None) -> int:
    """Offers changed in these markets (None: any): push to every enabled shop there."""
    query = select(ChannelConnection.id).where(ChannelConnection.enabled.is_(True))
    if market_codes is not None:
        query = query.where(ChannelConnection.market_code.in_(market_codes))
    ids = list(db.session.execute(query).scalars())
    for connection_id in ids:
        enqueue_push(connection_id)
    return len(ids)


def sweep(now: datetime | None = None) -> int:
    """Periodic: a run for every enabled shop with changes, due retries or a lapsed lease."""
    now = now or utcnow()
    count = 0
    for connection in db.session.execute(
        select(ChannelConnection).where(ChannelConnection.enabled.is_(True))
    ).scalars():
        if connection.lease_until is not None and connection.lease_until > now:
            continue  # a run is on it
        behind = db.session.execute(
            select(Offer.id)
            .where(
                Offer.market_code == connection.market_code,
                Offer.feed_seq > connection.synced_seq,
            )
            .limit(1)
        ).scalar()
        due = db.session.execute(
            select(ChannelListing.id)
            .where(
                ChannelListing.connection_id == connection.id,
                ChannelListing.status == SyncStatus.RETRYING,
                ChannelListing.next_attempt_at <= now,
            )
            .limit(1)
        ).scalar()
        if behind is not None or due is not None:
            enqueue_push(connection.id)
            count += 1
    return count


def resync(connection: ChannelConnection) -> None:
    """The seller asks again: failed and refused SKUs are tried at the next run."""
    db.session.execute(
        update(ChannelListing)
        .where(
            ChannelListing.connection_id == connection.id,
            ChannelListing.status.in_((SyncStatus.FAILED, SyncStatus.REFUSED)),
        )
        .values(desired_hash=None, attempts=0)
        .execution_options(synchronize_session=False)
    )
    connection.synced_seq = 0
    connection.last_error_code = None
    db.session.commit()
    enqueue_push(connection.id)
