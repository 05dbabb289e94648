"""Reading rendered pages in tests: a small DOM over the stdlib HTML parser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child.text() if isinstance(child, Node) else child)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def in_template(self) -> bool:
        node = self.parent
        while node is not None:
            if node.tag == "template":
                return True
            node = node.parent
        return False

    def closest(self, predicate) -> Node | None:
        node = self.parent
        while node is not None:
            if predicate(node):
                return node
            node = node.parent
        return None


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def _is_group(node: Node) -> bool:
    return bool(node.classes & {"field", "row", "image-item"})


class Page:
    """A rendered page: its fields, values and the errors shown beside them."""

    def __init__(self, html: str):
        builder = _Builder()
        builder.feed(html)
        self.html = html
        self.root = builder.root

    def all(self, predicate) -> list[Node]:
        return [n for n in self.root.walk() if predicate(n) and not n.in_template()]

    def by_id(self, element_id: str) -> Node | None:
        found = self.all(lambda n: n.attrs.get("id") == element_id)
        return found[0] if found else None

    def control(self, name: str) -> Node | None:
        found = self.all(
            lambda n: n.tag in ("input", "textarea", "select") and n.attrs.get("name") == name
        )
        return found[0] if found else None

    def value(self, name: str) -> str | None:
        node = self.control(name)
        if node is None:
            return None
        if node.tag == "textarea":
            text = "".join(c for c in node.children if isinstance(c, str))
            return text[1:] if text.startswith("\n") else text  # as a browser reads it
        if node.tag == "select":
            chosen = [o for o in node.walk() if o.tag == "option" and "selected" in o.attrs]
            return chosen[0].attrs.get("value", "") if chosen else ""
        return node.attrs.get("value", "")

    def csrf(self) -> str:
        token = self.value("csrf_token")
        assert token, "the page has no CSRF token"
        return token

    def error_for(self, name: str) -> str | None:
        node = self.by_id("error-" + name.replace(".", "-"))
        return node.text() if node is not None else None

    def error_beside(self, name: str) -> str:
        """The error shown for ``name``, checked to sit in the same group as its input
        and to be announced with it (aria-invalid, aria-describedby)."""
        error_id = "error-" + name.replace(".", "-")
        error = self.by_id(error_id)
        assert error is not None, f"no error shown for {name}; errors: {self.errors()}"
        assert "field-error" in error.classes
        group = error.closest(_is_group)
        described = self.all(lambda n: error_id in n.attrs.get("aria-describedby", "").split())
        controls = described or [c for c in [self.control(name)] if c is not None]
        assert controls, f"no input for {name}"
        for control in controls:
            assert control.closest(lambda n: n is group) is not None, (
                f"{name}: error is not beside it"
            )
            if control.attrs.get("type") != "hidden":
                assert control.attrs.get("aria-invalid") == "true", f"{name} lacks aria-invalid"
        return error.text()

    def errors(self) -> dict[str, str]:
        return {
            n.attrs["id"][len("error-") :]: n.text()
            for n in self.all(lambda n: "field-error" in n.classes and "id" in n.attrs)
        }

    def summary(self) -> str:
        node = self.by_id("error-summary")
        return node.text() if node is not None else ""

    def form_values(self) -> dict[str, str]:
        """What a browser would send for the rendered form (no files, no buttons)."""
        values = {}
        for node in self.all(lambda n: n.tag in ("input", "textarea", "select")):
            name = node.attrs.get("name")
            kind = node.attrs.get("type", "text")
            if not name or kind in ("file", "submit", "button"):
                continue
            if kind == "checkbox" and "checked" not in node.attrs:
                continue
            values[name] = self.value(name)
        return values
