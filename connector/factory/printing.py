"""The factory's documents to print, as PDF: pack lists, the warehouse's inbound note with
box and SKU labels, and a day's batch (the carriers' labels with our pack lists).

Our own pages show what to pack and where it goes (country, province, city), never
the buyer: they are drawn from ``connector.factory.orders`` only, which never reads
a name, phone or street. The carrier's label is the carrier's document and is joined
as the carrier made it (it may carry the buyer; the parcel needs it).
"""

from __future__ import annotations

import io
import logging
from datetime import date

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from connector.extensions import db
from connector.factory import orders, refusal
from connector.factory.orders import PackList
from connector.factory.pdf import LABEL, MARGIN, Sheet, plain
from connector.listings.images import extension_for, image_path, thumbnail_path
from connector.models import StoredImage, User
from connector.orders import documents
from connector.orders.adapters import label_kinds

log = logging.getLogger(__name__)
FULLY_MANAGED = "fully_managed"
THUMB = 56


def shipment_code(pack: PackList) -> str:
    """Our code for the shipment, printed as a barcode and accepted by the scanner page."""
    return pack.shipment.idempotency_key


def _where(pack: PackList) -> str:
    place = pack.destination
    parts = (place["city"], place["province"], place["country"])
    return plain(", ".join(str(value) for value in parts if value))


def _artwork(sha256: str | None):
    if not sha256:
        return None
    thumb = thumbnail_path(sha256)
    if thumb.is_file():
        return thumb
    stored = db.session.get(StoredImage, sha256)
    if stored is None:
        return None
    return image_path(sha256, extension_for(stored.content_type))


def _spec(sheet: Sheet, spec, x: float) -> None:
    """A line's customization: the option and details, with the artwork's thumbnail."""
    top = sheet.y
    shown = sheet.image(_artwork(spec.artwork_sha256), x, THUMB)
    left = x + THUMB + 8 if shown else x
    sheet.line(f"{_('Customization')}: {plain(spec.option)}", 9, bold=True, x=left)
    if spec.text:
        sheet.line(f"{_('Text')}: «{plain(spec.text)}»", 9, x=left)
    if spec.placement:
        sheet.line(f"{_('Placement')}: {plain(spec.placement)}", 9, x=left)
    if spec.colours:
        sheet.line(f"{_('Colours')}: {plain(', '.join(spec.colours))}", 9, x=left)
    if spec.artwork_sha256 and not shown:
        sheet.line(f"{_('Artwork')}: {spec.artwork_sha256[:12]}", 9, x=left)
    if shown:
        sheet.y = min(sheet.y, top - THUMB - 4)


def _head(sheet: Sheet, title: str, pack: PackList) -> None:
    order, shipment = pack.order, pack.shipment
    sheet.line(title, 16, bold=True)
    sheet.line(
        f"{_('Order %(id)s', id=order.id)} · {format_datetime(order.created_at, 'yyyy-MM-dd')}"
        f" · {order.market_code} · {shipment.adapter}",
        10,
    )
    sheet.line(f"{_('To')}: {_where(pack)}", 10)
    sheet.gap()
    x = MARGIN
    top = sheet.y
    sheet.barcode(shipment_code(pack), x)
    if shipment.tracking_number:
        sheet.y = top
        sheet.barcode(shipment.tracking_number, x + 260)


def _lines(sheet: Sheet, pack: PackList, sku_barcodes: bool = False) -> None:
    for line, spec in pack.lines:
        sheet.room(90 if spec else 40)
        sheet.canvas.line(MARGIN, sheet.y + 4, sheet.width - MARGIN, sheet.y + 4)
        sheet.gap(8)
        title = plain(pack.titles.get(line.listing_id, line.title))
        options = plain(" / ".join(str(v) for v in (line.options or {}).values()))
        sheet.line(f"{line.sku}  ×  {line.quantity}", 12, bold=True)
        sheet.line(f"{title}{'  ' + options if options else ''}", 10)
        if line.parcels:
            sheet.line(f"{_('Parcels')}: {line.parcels}", 9)
        if sku_barcodes:
            sheet.barcode(line.sku, MARGIN, height=28)
        if spec is not None:
            _spec(sheet, spec, MARGIN)
    sheet.gap(6)
    sheet.line(f"{_('Units')}: {pack.units}", 12, bold=True)


def _draw_pack_list(sheet: Sheet, pack: PackList) -> None:
    sheet.page()
    _head(sheet, _("Pack list · shipment %(id)s", id=pack.shipment.id), pack)
    _lines(sheet, pack)


def _boxes(pack: PackList) -> int:
    return max(1, sum(line.parcels or 0 for line, _custom in pack.lines))


def _draw_inbound_note(sheet: Sheet, pack: PackList) -> None:
    """The note for the warehouse, then a label per box and per SKU (A6)."""
    sheet.page()
    _head(sheet, _("Inbound shipping note · shipment %(id)s", id=pack.shipment.id), pack)
    _lines(sheet, pack, sku_barcodes=True)
    boxes = _boxes(pack)
    for number in range(1, boxes + 1):
        sheet.page(LABEL)
        sheet.line(_("Box %(number)s of %(count)s", number=number, count=boxes), 14, bold=True)
        sheet.line(_("Order %(id)s", id=pack.order.id), 10)
        sheet.barcode(shipment_code(pack), 14, height=44, bar=0.9)
        for line, _custom in pack.lines:
            sheet.line(f"{line.sku} × {line.quantity}", 9)
    for line, spec in pack.lines:
        sheet.page(LABEL)
        sheet.barcode(line.sku, 14, height=44, bar=1.0)
        sheet.line(pack.titles.get(line.listing_id, line.title), 10)
        options = " / ".join(str(v) for v in (line.options or {}).values())
        if options:
            sheet.line(options, 9)
        if spec is not None:
            _spec(sheet, spec, 14)


def pack_list_pdf(pack: PackList) -> bytes:
    """One shipment's document: the inbound note for a warehouse, else the pack list."""
    sheet = Sheet(_("Pack list · shipment %(id)s", id=pack.shipment.id))
    if pack.shipment.mode == FULLY_MANAGED:
        _draw_inbound_note(sheet, pack)
    else:
        _draw_pack_list(sheet, pack)
    return sheet.finish()


def carrier_label(pack: PackList) -> bytes | None:
    """The service's label for the shipment (the carrier's label, or the warehouse's box
    labels) if it is a PDF we hold."""
    found = documents.first_of(pack.shipment.id, label_kinds(pack.shipment.adapter))
    if found is None or "pdf" not in found.content_type:
        return None
    return found.data


def _append(writer: PdfWriter, data: bytes, shipment_id: int) -> bool:
    try:
        writer.append(PdfReader(io.BytesIO(data)))
    except (PdfReadError, ValueError, KeyError) as exc:
        log.warning("shipment %s: label PDF unreadable (%s); left out", shipment_id, exc)
        return False
    return True


def day_batch(user: User, day: date) -> tuple[bytes, int]:
    """Everything to print for the orders of ``day``: per open shipment the service's
    label (the carrier's, or the warehouse's box labels) then our pack list (or the
    inbound note with its labels); and how many of those labels are missing (not
    fetched yet, or not a PDF)."""
    packs = [
        pack for pack in orders.pack_lists_of_day(user, day) if refusal.of(pack.shipment.id) is None
    ]
    writer = PdfWriter()
    missing = 0
    for pack in packs:
        label = carrier_label(pack)
        if label is None or not _append(writer, label, pack.shipment.id):
            missing += 1
        _append(writer, pack_list_pdf(pack), pack.shipment.id)
    if not packs:
        sheet = Sheet(_("Nothing to print"))
        sheet.page()
        sheet.line(_("Nothing to pack.") + " " + format_date(day, "yyyy-MM-dd"), 14)
        _append(writer, sheet.finish(), 0)
    writer.add_metadata({"/Title": f"{day.isoformat()}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), missing
