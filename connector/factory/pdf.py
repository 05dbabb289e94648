"""Drawing the factory's own printed pages: text in any UI language, Code 128, thumbnails.

reportlab draws the pages: it writes Code 128 itself and has the Adobe CJK font
STSong-Light built in (a PDF viewer supplies the glyphs), so Chinese needs no font
file in the repository. That font covers Chinese, Latin and Russian; text it cannot
show (Vietnamese tones, Kazakh letters) is printed in Latin letters instead, which
a packer still reads, rather than as empty boxes.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from anyascii import anyascii
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

CJK_FONT = "STSong-Light"
LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
MARGIN = 36
PAGE = A4
LABEL = A6


def _register_fonts() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _in_cjk_font(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str, bold: bool = False) -> tuple[str, str]:
    """(font, text) to draw ``text`` with: Latin as is; Chinese and Russian in the CJK
    font, a sign it lacks (·, «) spelled in ASCII; a text with letters it lacks
    (Vietnamese tones, Kazakh) all in Latin letters, which reads better than a mix."""
    text = str(text)
    if text.isascii():
        return (LATIN_BOLD if bold else LATIN), text
    letters = [c for c in text if not c.isascii() and unicodedata.category(c).startswith("L")]
    if not letters or not all(_in_cjk_font(char) for char in letters):
        return (LATIN_BOLD if bold else LATIN), anyascii(text)
    return CJK_FONT, "".join(c if _in_cjk_font(c) else anyascii(c) for c in text)


def plain(text: str) -> str:
    """A value to print inside a sentence of the page's language: as it is when the CJK
    font shows its letters, else in Latin letters (``Hồ Chí Minh`` as ``Ho Chi Minh``)."""
    text = str(text)
    letters = [c for c in text if not c.isascii() and unicodedata.category(c).startswith("L")]
    return text if all(_in_cjk_font(char) for char in letters) else anyascii(text)


class Sheet:
    """A PDF being drawn, page by page, top to bottom (``y`` falls as lines are added)."""

    def __init__(self, title: str):
        _register_fonts()
        self.buffer = io.BytesIO()
        # invariant: no creation time inside, so the same data gives the same bytes.
        self.canvas = Canvas(self.buffer, pagesize=PAGE, invariant=True)
        self.canvas.setTitle(title)
        self.size = PAGE
        self.y = PAGE[1] - MARGIN
        self.started = False

    @property
    def width(self) -> float:
        return self.size[0]

    def page(self, size=PAGE) -> None:
        """Start a new page of ``size`` (A4 for lists and notes, A6 for labels)."""
        if self.started:
            self.canvas.showPage()
        self.started = True
        self.size = size
        self.canvas.setPageSize(size)
        self.y = size[1] - (MARGIN if size == PAGE else 18)

    def room(self, height: float) -> None:
        """A new page of the same size unless ``height`` still fits on this one."""
        if self.y - height < MARGIN:
            self.page(self.size)

    def text(self, x: float, value: str, size: float = 10, bold: bool = False, y=None) -> None:
        font, shown = printable(value, bold)
        self.canvas.setFont(font, size)
        self.canvas.drawString(x, self.y if y is None else y, shown)

    def line(self, value: str, size: float = 10, bold: bool = False, x: float | None = None):
        """One line of text (wrapped to the page), then move down."""
        font, shown = printable(value, bold)
        left = MARGIN if x is None and self.size == PAGE else (x if x is not None else 14)
        for part in simpleSplit(shown, font, size, self.width - left - 14) or [""]:
            self.room(size + 4)
            self.canvas.setFont(font, size)
            self.canvas.drawString(left, self.y, part)
            self.y -= size + 4

    def gap(self, height: float = 6) -> None:
        self.y -= height

    def barcode(self, value: str, x: float, height: float = 36, bar: float = 1.0) -> None:
        """A Code 128 barcode of ``value`` with the value printed beneath, then move down."""
        self.room(height + 16)
        code = Code128(value, barHeight=height, barWidth=bar, humanReadable=False)
        code.drawOn(self.canvas, x, self.y - height)
        self.canvas.setFont(LATIN, 9)
        self.canvas.drawString(x + 10, self.y - height - 11, value)
        self.y -= height + 26

    def image(self, path: Path | None, x: float, side: float) -> bool:
        """A thumbnail at ``x`` whose top is the current line; False when it cannot be read
        (the caller prints what the image was instead)."""
        if path is None or not path.is_file():
            return False
        try:
            reader = ImageReader(str(path))
        except Exception:  # an unreadable file must not cost the whole batch
            return False
        self.canvas.drawImage(
            reader,
            x,
            self.y - side,
            width=side,
            height=side,
            preserveAspectRatio=True,
            anchor="nw",
            mask="auto",
        )
        return True

    def finish(self) -> bytes:
        if not self.started:
            self.page()
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()
