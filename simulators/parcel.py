"""What the carrier and warehouse simulators share: :class:`ParcelSimulator`.

It adds to :class:`simulators.base.Simulator` what a shipping service needs in tests:

* a parcel registry (``parcels``) so a test can assert exactly one parcel per
  shipment key, and a count of re-sends the service refused as duplicates;
* ``unique_references``: on (the default, as GHN, CDEK and the warehouse do)
  a second create under the same key is refused; off, it makes a second
  parcel, which shows whether *our* side alone keeps shipments single;
* the fault ``timeout_after``: the service acts, then answers too late;
* ``chaos(rate=...)``: a random share of requests gets a random fault;
* webhooks: ``webhook_url`` receives status changes (``deliver``), and
  ``start_courier`` moves parcels along by themselves, for ``make run``.

``simulators.sandbox`` starts the three of them for ``make run``.
"""

from __future__ import annotations

import io
import json
import logging
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

import requests
from flask import request

from simulators.base import Fault, Simulator

log = logging.getLogger(__name__)

CHAOS_KINDS = ("server_error", "rate_limited", "drop_after", "timeout_after")


class ParcelSimulator(Simulator):
    """A shipping service in miniature: subclasses create parcels with ``register``."""

    # Requests under these path prefixes are the ones chaos may hit.
    chaos_paths: tuple[str, ...] = ("/",)

    def __init__(self, *, unique_references: bool = True) -> None:
        self.unique_references = unique_references
        self.parcels: list[dict] = []
        self.duplicates_refused = 0
        self.webhook_url: str | None = None
        self.webhook_headers: dict[str, str] = {}
        self.delivered_webhooks: list[dict] = []
        self._registry_lock = threading.RLock()
        self._chaos_rate = 0.0
        self._chaos_kinds: tuple[str, ...] = CHAOS_KINDS
        self._chaos_seconds = 2.0
        self._rng = random.Random(7)
        self._courier: threading.Thread | None = None
        self._courier_stop = threading.Event()
        self.chaos_counts: Counter = Counter()
        super().__init__()

    # -- registry -----------------------------------------------------------------
    def register(self, reference: str, parcel: dict) -> dict | None:
        """Record a new parcel; None when the reference is taken and references are unique."""
        with self._registry_lock:
            if self.unique_references and self.find(reference) is not None:
                self.duplicates_refused += 1
                return None
            parcel = {**parcel, "reference": reference}
            self.parcels.append(parcel)
            return parcel

    def find(self, reference: str) -> dict | None:
        with self._registry_lock:
            for parcel in self.parcels:
                if parcel["reference"] == reference and parcel.get("live", True):
                    return parcel
        return None

    def parcel_counts(self) -> Counter:
        """Live parcels per reference (our idempotency key)."""
        with self._registry_lock:
            return Counter(p["reference"] for p in self.parcels if p.get("live", True))

    def reset(self) -> None:
        with self._lock:
            self.faults.clear()
        self.down_until = 0.0
        with self._registry_lock:
            self.parcels.clear()
            self.duplicates_refused = 0
        self.requests.clear()
        self.delivered_webhooks.clear()
        self.chaos_counts.clear()
        self._chaos_rate = 0.0
        self.webhook_url = None

    # -- faults -------------------------------------------------------------------
    def chaos(
        self,
        rate: float,
        kinds: Iterable[str] = CHAOS_KINDS,
        *,
        seconds: float = 2.0,
        seed: int = 7,
    ) -> None:
        """Give about ``rate`` of the requests a random fault of ``kinds`` (0 turns it off)."""
        self._chaos_rate = rate
        self._chaos_kinds = tuple(kinds)
        self._chaos_seconds = seconds
        self._rng = random.Random(seed)

    def _random_fault(self) -> Fault | None:
        if not self._chaos_rate or not request.path.startswith(self.chaos_paths):
            return None
        with self._lock:
            if self._rng.random() >= self._chaos_rate:
                return None
            kind = self._rng.choice(self._chaos_kinds)
        self.chaos_counts[kind] += 1
        if kind == "server_error":
            return Fault(kind="status", status=503, body=self.error_body(503, "unavailable"))
        if kind == "rate_limited":
            return Fault(
                kind="status",
                status=429,
                body=self.error_body(429, "too many requests"),
                headers={"Retry-After": "1"},
            )
        return Fault(kind=kind, seconds=self._chaos_seconds)

    def _take_fault(self) -> Fault | None:
        return super()._take_fault() or self._random_fault()

    def _after(self, response):
        fault = request.environ.get("simulator.fault")
        if fault is not None and fault.kind == "timeout_after":
            # The service did the work; the answer comes after the client gave up.
            time.sleep(fault.seconds)
        return super()._after(response)

    def error_body(self, status: int, message: str) -> str:
        """The service's error body for injected status faults."""
        return json.dumps({"message": message})

    def fail(self, status: int = 500, times: int = 1, path: str | None = None) -> None:
        self.inject(
            Fault(kind="status", status=status, body=self.error_body(status, "failure"), path=path),
            times=times,
        )

    def slow_down(self, retry_after: float = 1, times: int = 1, path: str | None = None) -> None:
        self.inject(
            Fault(
                kind="status",
                status=429,
                body=self.error_body(429, "too many requests"),
                headers={"Retry-After": str(retry_after)},
                path=path,
            ),
            times=times,
        )

    def act_then_time_out(self, seconds: float, times: int = 1, path: str | None = None) -> None:
        self.inject(Fault(kind="timeout_after", seconds=seconds, path=path), times=times)

    def act_then_drop(self, times: int = 1, path: str | None = None) -> None:
        self.inject(Fault(kind="drop_after", path=path), times=times)

    # -- webhooks -----------------------------------------------------------------
    def deliver(self, payload: dict, headers: dict[str, str] | None = None) -> int | None:
        """Post one webhook to ``webhook_url``; the HTTP status, or None if unreachable."""
        self.delivered_webhooks.append(payload)
        if not self.webhook_url:
            return None
        body = json.dumps(payload, ensure_ascii=False).encode()
        all_headers = {
            "Content-Type": "application/json",
            **self.webhook_headers,
            **self.sign_webhook(body),
            **(headers or {}),
        }
        try:
            response = requests.post(self.webhook_url, data=body, headers=all_headers, timeout=5)
        except requests.RequestException as exc:
            log.warning("%s: webhook not delivered (%s)", self.name, type(exc).__name__)
            return None
        return response.status_code

    def sign_webhook(self, body: bytes) -> dict[str, str]:
        """Extra headers that authenticate a webhook body; none by default."""
        return {}

    def advance(self, reference: str, status: str) -> dict:  # pragma: no cover - overridden
        raise NotImplementedError

    def courier_route(self) -> tuple[str, ...]:  # pragma: no cover - overridden
        """The statuses a parcel goes through after creation, for the sandbox courier."""
        raise NotImplementedError

    def start_courier(self, every: float = 20.0) -> None:
        """Move every live parcel one status along its route each ``every`` seconds."""

        def run() -> None:
            while not self._courier_stop.wait(every):
                for parcel in list(self.parcels):
                    route = self.courier_route()
                    current = parcel.get("status")
                    if not parcel.get("live", True) or current not in route[:-1]:
                        continue
                    try:
                        self.advance(parcel["reference"], route[route.index(current) + 1])
                    except Exception:  # the sandbox keeps going whatever one parcel does
                        log.exception("%s: courier could not move a parcel", self.name)

        self._courier_stop.clear()
        self._courier = threading.Thread(target=run, daemon=True, name=f"{self.name}-courier")
        self._courier.start()

    def stop(self) -> None:
        self._courier_stop.set()
        super().stop()


# -- small shared pieces ---------------------------------------------------------------


def now_iso(offset: str = "+00:00") -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", offset)


def random_code(length: int = 8, alphabet: str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") -> str:
    return "".join(random.choice(alphabet) for _ in range(length))


def new_uuid() -> str:
    return str(uuid.uuid4())


def _pdf_text(value: str) -> str:
    latin = value.encode("latin-1", "replace").decode("latin-1")
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def simple_pdf(pages: list[list[str]], width: int = 298, height: int = 420) -> bytes:
    """A small valid PDF (A6 by default) with lines of text per page; labels in the sandbox."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * index for index in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for index, lines in enumerate(pages):
        text = ["BT", "/F1 11 Tf", f"20 {height - 36} Td", "14 TL"]
        text += [f"({_pdf_text(line)}) Tj T*" for line in lines]
        text.append("ET")
        stream = "\n".join(text).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> "
            f"/Contents {page_ids[index] + 1} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def label_pdf(
    labels: list[tuple[str, list[str]]], width: float = 298, height: float = 420
) -> bytes:
    """Carrier labels as a real PDF (A6 by default), one page per ``(code, lines)``: the
    code as a Code 128 barcode with the code beneath, then the lines, in Latin letters
    (a sandbox label carries the buyer as a real one does: it is the carrier's page)."""
    from anyascii import anyascii
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=True)
    for code, lines in labels:
        barcode = Code128(code, barHeight=50, barWidth=1.1, humanReadable=False)
        barcode.drawOn(canvas, max(10, (width - barcode.width) / 2), height - 110)
        canvas.setFont("Helvetica-Bold", 13)
        canvas.drawCentredString(width / 2, height - 128, code)
        canvas.setFont("Helvetica", 9)
        y = height - 150
        for line in lines:
            canvas.drawString(16, y, anyascii(str(line))[:60])
            y -= 13
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
