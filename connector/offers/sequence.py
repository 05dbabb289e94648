"""Change numbers for offers: the order in which sellers see changes.

Taking numbers updates one counter row, which the database locks until the
transaction commits; a second writer waits for the first. So numbers become
visible in the order they were handed out, and a reader that pages by number
never skips a change that commits late (a timestamp could not promise that).
"""

from __future__ import annotations

from sqlalchemy import update

from connector.extensions import db
from connector.models import FeedCounter


def take_numbers(count: int) -> int:
    """Reserve ``count`` consecutive numbers for this transaction; returns the first."""
    if count <= 0:
        return 0
    last = db.session.execute(
        update(FeedCounter)
        .where(FeedCounter.name == "offers")
        .values(value=FeedCounter.value + count)
        .returning(FeedCounter.value)
    ).scalar_one()
    return last - count + 1
