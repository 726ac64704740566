"""One compiled tree-sitter highlight query per language, shared by every code editor.

Textual's ``TextArea`` compiles its language's highlight query for each editor it makes: about 0.1 s
and several MB that stay with the process, once per code exercise shown. ``shared_query(language)``
compiles it once; ``SharedQueryEditor`` is a ``TextArea`` that uses it. A compiled ``Query`` is only
read when highlighting (each run makes its own ``QueryCursor``), so editors can share it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from textual._tree_sitter import TREE_SITTER, get_language
from textual.widgets import TextArea

if TYPE_CHECKING:
    from tree_sitter import Query


@cache
def shared_query(language: str) -> Query | None:
    """The compiled highlight query of a built-in language; None without tree-sitter or the language."""
    tree_language = get_language(language) if TREE_SITTER else None
    if tree_language is None:
        return None
    from tree_sitter import Query

    return Query(tree_language, TextArea._get_builtin_highlight_query(language))


class SharedQueryEditor(TextArea):
    """A ``TextArea`` whose built-in language's highlight query is compiled once for all editors."""

    def _set_document(self, text: str, language: str | None) -> None:
        query = shared_query(language) if language else None
        tree_language = get_language(language) if query is not None and language else None
        if query is None or language is None or tree_language is None:
            super()._set_document(text, language)
            return
        # Registered with an empty query, the document compiles nothing; the shared query is put in
        # its place and the highlights built from it.
        self.register_language(language, tree_language, "")
        super()._set_document(text, language)
        self._highlight_query = query
        self._build_highlight_map()
