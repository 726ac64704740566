"""One compiled tree-sitter highlight query per language, shared by every code editor.

Textual's ``TextArea`` compiles its language's highlight query for each editor it makes: about 0.1 s
and several MB that stay with the process, once per code exercise shown. ``shared_query(language)``
compiles it once; ``SharedQueryEditor`` is a ``TextArea`` that uses it. A compiled ``Query`` is only
read when highlighting (each run makes its own ``QueryCursor``), so editors can share it. The editor
also lets go of each document's tree-sitter parser once the document is no longer shown (see
``_release_parser``): otherwise every document an editor ever had would stay in memory.
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
        if "document" in vars(self):  # the document being replaced (new text or a new language)
            _release_parser(self.document)
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

    def on_unmount(self) -> None:
        _release_parser(self.document)


def _release_parser(document: object) -> None:
    """Drop a syntax-aware document's tree-sitter parser and tree.

    The document hands its bound ``_read_callable`` to tree-sitter, which keeps it where Python's
    garbage collector cannot see: document -> parser -> method -> document is a cycle that is never
    freed, one per document an editor ever had. Called when the document is no longer shown.
    """
    for name in ("_syntax_tree", "_parser"):
        if name in vars(document):
            setattr(document, name, None)
