"""Fill msgstrs into a catalog from a JSON mapping {msgid: msgstr} (for translators' batches).

.venv/bin/python scripts/fill_translations.py locales/zh_Hans/LC_MESSAGES/messages.po new.json
"""

from __future__ import annotations

import json
import sys

from babel.messages.pofile import read_po, write_po


def main(po_path: str, mapping_path: str) -> None:
    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    with open(mapping_path, encoding="utf-8") as handle:
        mapping = json.load(handle)
    filled = 0
    for message in catalog:
        if message.id and message.id in mapping:
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
            filled += 1
    with open(po_path, "wb") as handle:
        write_po(handle, catalog, width=0, sort_by_file=True)
    print(f"{filled} messages filled in {po_path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
