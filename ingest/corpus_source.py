"""The bundled Markdown corpus (corpus/concepts, corpus/documents) as a validated ``SourceBatch``.

Concept files become concept documents (doc id ``concept-<slug>``) carrying their ``ConceptSpec``; document files
become guides, worked examples or references that mention the concepts they list. Every integrity rule of
``expgraph corpus check`` must pass before anything is handed on; quality rules (orphans, unlisted mentions,
connectivity) are for the corpus writers and do not block ingestion.
"""

from __future__ import annotations

from pathlib import Path

from ingest.chunking import chunk_markdown
from ingest.corpus_check import INTEGRITY, load_corpus
from ingest.corpus_check import check_rules as corpus_rules
from ingest.corpus_format import ConceptSpec, DocumentSpec
from ingest.source_document import IngestValidationError, SourceBatch, SourceDocument, sha256_hex

EXTRACTOR = "corpus-markdown"
# Bump when parsing or chunking changes what a file turns into: every file then re-ingests as changed.
EXTRACTOR_VERSION = "1"
CORPUS_SCOPE = "corpus"


def _file_hash(path: Path) -> str:
    text = path.read_bytes().replace(b"\r\n", b"\n")
    return sha256_hex(f"{EXTRACTOR}/{EXTRACTOR_VERSION}\n".encode() + text)


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.parent).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def concept_document(root: Path, concept: ConceptSpec, scope: str = CORPUS_SCOPE) -> SourceDocument:
    """A concept file as a document: its definition, then its prose, chunked under the concept's name."""
    markdown = f"{concept.definition}\n\n{concept.body}"
    chunks = chunk_markdown(concept.doc_id, markdown, base_path=(concept.name,))
    return SourceDocument(
        doc_id=concept.doc_id,
        title=concept.name,
        kind="concept",
        source=_relative(root, concept.path),
        uri=concept.path.resolve().as_uri(),
        content_hash=_file_hash(concept.path),
        chunks=tuple(chunks),
        metadata={
            "scope": scope,
            "concept_id": concept.slug,
            "category": concept.category,
            "sources": [s.to_dict() for s in concept.sources],
        },
        mentions=(concept.slug,),
        concept=concept,
        path=concept.path,
    )


def corpus_document(root: Path, doc: DocumentSpec, scope: str = CORPUS_SCOPE) -> SourceDocument:
    """A document file: body chunked by its own headings."""
    base = () if doc.body.lstrip().startswith("# ") else (doc.title,)
    return SourceDocument(
        doc_id=doc.doc_id,
        title=doc.title,
        kind=doc.kind,
        source=_relative(root, doc.path),
        uri=doc.path.resolve().as_uri(),
        content_hash=_file_hash(doc.path),
        chunks=tuple(chunk_markdown(doc.doc_id, doc.body, base_path=base)),
        metadata={
            "scope": scope,
            "concepts": list(doc.concepts),
            "sources": [s.to_dict() for s in doc.sources],
            # only when declared: every other document's events stay as they were
            **({"setting": list(doc.setting)} if doc.setting else {}),
        },
        mentions=doc.concepts,
        path=doc.path,
    )


def corpus_scope(root: Path, bundled: Path | None) -> str:
    """``corpus`` for the bundled corpus, ``corpus:<absolute path>`` for any other corpus directory.

    A scope is what a run covers completely: a document ingested under it and missing now gets retracted, so two
    different corpora must never share one.
    """
    if bundled is not None and root.resolve() == bundled.resolve():
        return CORPUS_SCOPE
    return f"{CORPUS_SCOPE}:{root.resolve()}"


def load_corpus_batch(root: Path, scope: str = CORPUS_SCOPE) -> SourceBatch:
    """Read, validate and chunk the whole corpus; raises ``IngestValidationError`` listing every integrity problem.

    ``scope`` identifies the corpus for deletion detection (see ``corpus_scope``).
    """
    root = root.resolve()
    loaded = load_corpus(root)
    problems = [
        p
        for p in loaded.problems + corpus_rules(loaded.concepts, loaded.documents, loaded.unparsed_concepts)
        if p.severity == INTEGRITY
    ]
    if problems:
        problems.sort(key=lambda p: (str(p.path), p.line))
        raise IngestValidationError([p.as_error() for p in problems])
    documents = [concept_document(root, c, scope) for c in loaded.concepts]
    documents.extend(corpus_document(root, d, scope) for d in loaded.documents)
    return SourceBatch(
        extractor=EXTRACTOR,
        extractor_version=EXTRACTOR_VERSION,
        documents=tuple(documents),
        scope=scope,
    )
