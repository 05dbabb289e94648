"""The RQ worker and the periodic sweeps, started through the app's CLI.

``wsgi`` adds these commands to the app: ``connector`` never imports ``jobs``.

``flask --app wsgi worker`` runs a worker (with RQ's scheduler for retries
and delayed jobs); ``flask --app wsgi cron`` runs the periodic sweeps.
"""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext
from rq import Worker
from rq.cron import CronScheduler

from connector.extensions import db
from connector.services import get_queue, get_redis
from jobs.channels import sweep_channel_pushes
from jobs.fx import refresh_rates
from jobs.images import sweep_missing_thumbnails
from jobs.offers import hold_stale_offers, sweep_outdated_offers
from jobs.shipments import poll_tracking, sweep_shipments
from jobs.webhooks import sweep_webhook_deliveries

log = logging.getLogger(__name__)


class AppWorker(Worker):
    """A forking worker whose work horses use fresh database connections.

    A pooled connection inherited across ``fork`` would be shared by two
    processes; disposing the pool (without closing the parent's sockets) in the
    child gives each job connections of its own.
    """

    def perform_job(self, job, queue, execution) -> bool:
        db.engine.dispose(close=False)
        try:
            return super().perform_job(job, queue, execution)
        finally:
            db.session.remove()


def register_sweeps(scheduler: CronScheduler, interval: int) -> None:
    scheduler.register(sweep_missing_thumbnails, queue_name="default", interval=interval)
    scheduler.register(sweep_outdated_offers, queue_name="default", interval=interval)
    scheduler.register(hold_stale_offers, queue_name="default", interval=interval)
    scheduler.register(sweep_channel_pushes, queue_name="default", interval=interval)
    scheduler.register(
        refresh_rates,
        queue_name="default",
        interval=current_app.config["FX_REFRESH_SECONDS"],
        # forex-python cannot time out by itself; the job timeout bounds it.
        job_timeout=120,
    )
    # Shipments: re-enqueue what lost jobs left behind, and poll tracking as a
    # fallback for lost webhooks.
    fulfilment = current_app.config["FULFILMENT"]
    scheduler.register(
        sweep_shipments, queue_name="default", interval=int(fulfilment["sweep_seconds"])
    )
    scheduler.register(
        poll_tracking, queue_name="default", interval=max(60, int(fulfilment["poll_seconds"]) // 3)
    )
    # Sellers' webhooks: deliveries whose job was lost.
    scheduler.register(
        sweep_webhook_deliveries,
        queue_name="default",
        interval=int(current_app.config["WEBHOOKS"]["sweep_seconds"]),
    )


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker on the configured queues, with its scheduler."""
    queues = [get_queue(name) for name in current_app.config["RQ_QUEUES"]]
    worker = AppWorker(queues, connection=get_redis())
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


@click.command("cron")
@click.option("--interval", default=60, show_default=True, help="Seconds between sweeps.")
@with_appcontext
def cron_command(interval: int) -> None:
    """Run the periodic sweeps that re-enqueue work a lost job left behind."""
    scheduler = CronScheduler(connection=get_redis())
    register_sweeps(scheduler, interval)
    scheduler.start()


def init_app(app) -> None:
    """Add the worker commands to an app made by ``connector.create_app`` (see ``wsgi``)."""
    app.cli.add_command(worker_command)
    app.cli.add_command(cron_command)
