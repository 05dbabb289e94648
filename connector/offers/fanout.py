"""Pricing a reprice's chunks on every core, while one process reads and writes.

Why a process pool inside the reprice job rather than one RQ job per chunk:
planning a chunk is pure (listings and rates in, rows out), so the pool's
processes never open the database; the job's own process stays the only
reader and writer. That works the same on SQLite (one writer at a time: RQ
jobs writing chunks side by side would queue on its lock) and on PostgreSQL,
keeps change numbers handed out in chunk order by one transaction at a time,
and keeps one job, one progress report and one ``reprice-<market>`` id per
market. The cost: a reprice uses one host's cores, not the whole fleet's.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from connector.offers.listing_data import ListingData
from connector.offers.writer import CurrentOffer, Inputs, Plan, Pricing, plan_offers
from connector.pricing.packing import PackingMemo

Batch = tuple[list[ListingData], dict[tuple[int, str], CurrentOffer], Inputs, PackingMemo]
_pricing: Pricing | None = None  # set once in each pool process


def _start(pricing: Pricing) -> None:
    global _pricing
    _pricing = pricing


def _plan(batch: Batch) -> Plan:
    assert _pricing is not None
    return plan_offers(batch[0], _pricing, *batch[1:])


def plans(batches: Iterable[Batch], pricing: Pricing, processes: int) -> Iterator[Plan]:
    """Each batch's plan, in the order of the batches; over ``processes`` processes when > 1.

    A reprice of one batch (a single listing, a small market) plans in this
    process: starting a pool would cost more than it saves.
    """
    batches = iter(batches)
    head = list(itertools.islice(batches, 2))
    if processes <= 1 or len(head) < 2:
        for listings, *rest in itertools.chain(head, batches):
            yield plan_offers(listings, pricing, *rest)
        return
    # Forked, the processes start in milliseconds with the markets already loaded;
    # they inherit the database connections too, but never touch them.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        processes, mp_context=context, initializer=_start, initargs=(pricing,)
    ) as pool:
        pending: deque[Future] = deque()
        for batch in itertools.chain(head, batches):
            pending.append(pool.submit(_plan, batch))
            # Two chunks queued per process: none idles while this one writes,
            # and memory holds a few chunks, not the market.
            if len(pending) >= 2 * processes:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
