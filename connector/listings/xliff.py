"""XLIFF 2.0 files of texts to translate: written for a translator's tool, read back checked.

The shape (OASIS XLIFF Version 2.0, core only)::

    <xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0"
           srcLang="zh-Hans" trgLang="vi-VN">
      <file id="listings">
        <unit id="l12.title">
          <notes><note category="context">…</note></notes>
          <segment><source>…</source><target>…</target></segment>
        </unit>
      </file>
    </xliff>

Reading refuses what is not that shape with a code naming the problem (and the
unit, when there is one), so an upload can be answered with a clear 4xx before
anything is written. A DTD is refused outright: a translation file needs none,
and entity tricks are the classic way to make an XML parser misbehave.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as safe_tree

NS = "urn:oasis:names:tc:xliff:document:2.0"
_Q = "{" + NS + "}"


class XliffError(ValueError):
    """The bytes are not an XLIFF 2.0 file of the shape above; ``code`` says why."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Unit:
    id: str
    source: str
    target: str = ""
    note: str | None = None


def bcp47(locale: str) -> str:
    """``vi_VN`` -> ``vi-VN``, ``zh_Hans`` -> ``zh-Hans``."""
    return locale.replace("_", "-")


def write_xliff(units: list[Unit], src_lang: str, trg_lang: str, file_id: str) -> bytes:
    # XLIFF tools expect the namespace as the default one, not as an "ns0:" prefix.
    ElementTree.register_namespace("", NS)
    root = ElementTree.Element(
        _Q + "xliff", {"version": "2.0", "srcLang": src_lang, "trgLang": trg_lang}
    )
    file = ElementTree.SubElement(root, _Q + "file", {"id": file_id})
    for unit in units:
        element = ElementTree.SubElement(file, _Q + "unit", {"id": unit.id})
        if unit.note:
            notes = ElementTree.SubElement(element, _Q + "notes")
            note = ElementTree.SubElement(notes, _Q + "note", {"category": "context"})
            note.text = unit.note
        segment = ElementTree.SubElement(element, _Q + "segment")
        ElementTree.SubElement(segment, _Q + "source").text = unit.source
        ElementTree.SubElement(segment, _Q + "target").text = unit.target
    ElementTree.indent(root)
    out = io.BytesIO()
    ElementTree.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue() + b"\n"


def read_xliff(data: bytes) -> tuple[str, str, list[Unit]]:
    """(srcLang, trgLang, units) of an XLIFF 2.0 file. Raises XliffError."""
    try:
        root = safe_tree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise XliffError("dtd") from exc
    except ElementTree.ParseError as exc:
        raise XliffError("unreadable") from exc
    if root.tag != _Q + "xliff" or root.get("version") != "2.0":
        raise XliffError("not_xliff")
    src, trg = root.get("srcLang"), root.get("trgLang")
    if not src or not trg:
        raise XliffError("no_languages")
    files = root.findall(_Q + "file")
    if not files:
        raise XliffError("no_file")
    units: list[Unit] = []
    seen: set[str] = set()
    for file in files:
        for element in file.iter(_Q + "unit"):
            units.append(_unit(element, seen))
    return src, trg, units


def _unit(element: ElementTree.Element, seen: set[str]) -> Unit:
    unit_id = (element.get("id") or "").strip()
    if not unit_id:
        raise XliffError("unit_without_id")
    if unit_id in seen:
        raise XliffError("duplicate_unit", unit=unit_id)
    seen.add(unit_id)
    segments = element.findall(_Q + "segment")
    sources, targets = [], []
    for segment in segments:
        source = segment.find(_Q + "source")
        if source is None:
            raise XliffError("no_source", unit=unit_id)
        target = segment.find(_Q + "target")
        for part in (source, target):
            if part is not None and len(part):
                # Inline codes (<ph>, <pc>…) would be lost as plain text: ask for text.
                raise XliffError("markup", unit=unit_id)
        sources.append(source.text or "")
        targets.append((target.text or "") if target is not None else "")
    if not segments:
        raise XliffError("no_source", unit=unit_id)
    return Unit(unit_id, "".join(sources), "".join(targets).strip())
