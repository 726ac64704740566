"""Widgets for a lesson's own blocks: a titled section of text, a button that trains a ``train`` block."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Button

from tutor.widgets.markdown_text import LessonText

if TYPE_CHECKING:
    from tutor.curriculum import TrainBlock


class Section(LessonText):
    """The text of a lesson from one ``##`` heading to the next; ``heading`` names it in the jump list."""

    def __init__(self, markdown: str, *, heading: str, id: str | None = None) -> None:
        super().__init__(markdown, id=id)
        self.heading = heading


class TrainButton(Button):
    """Opens the playground on a lesson's ``train`` block and starts training."""

    def __init__(self, block: TrainBlock) -> None:
        config = block.config
        title = config.title or f"{config.optimizer} on the {config.dataset} data, {config.epochs} epochs"
        super().__init__(f"▶ Train: {title}", classes="train-button", variant="success")
        self.block = block
