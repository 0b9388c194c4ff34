"""Names for assistive technology: a field is named by the label that says what it is for.

Qt names a line edit or a text editor after its label's buddy, but on Linux a
combo box's accessible name is its current item ("Last 30 days", "Insert…"):
a screen reader then reads the value and never what the box is for. Every
labelled field goes through `label_field`, which makes the label its buddy
(Alt+letter reaches it) and names the field with the label's words.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["label_field", "plain_label"]


def plain_label(text: str) -> str:
    """A label's words without its mnemonic marker and closing colon: "&Canned response:" -> "Canned response"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":").strip()


def label_field(label: QLabel, field: QWidget) -> None:
    """`label.setBuddy(field)`, and `field` named after the label unless it has a name of its own."""
    label.setBuddy(field)
    name = plain_label(label.text())
    if name and not field.accessibleName():
        field.setAccessibleName(name)
