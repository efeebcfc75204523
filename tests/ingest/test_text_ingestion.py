"""Ingesting folders of plain text, Markdown and PDF files a user points at."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from engine.events import ChunkAdded, DocumentIngested
from engine.graph_reads import count_rows, get_document
from ingest.corpus_format import CorpusFormatError
from ingest.pipeline import ingest_batches, load_sources
from ingest.source_document import IngestValidationError
from ingest.text_source import document_id_for, load_text_batches, read_file
from model.embedder import Embedder
from tests.ingest.conftest import Graph


def make_pdf(lines: list[str], title: str | None = "Tiny PDF") -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica), written with pypdf."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    ops = ["BT /F1 11 Tf 72 740 Td 14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    stream = StreamObject()
    stream.set_data("\n".join(ops).encode("latin-1"))
    page.replace_contents(stream)
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ingest_paths(graph: Graph, embedder: Embedder, *paths: Path, corpus_dir: Path | None = None) -> None:
    """What `expgraph ingest PATH...` does: validate every file, then append and project (nothing if any is bad)."""
    batches, _skipped = load_sources(corpus_dir, list(paths))
    ingest_batches(graph.db, graph.store, embedder, batches)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "retro.txt").write_text(
        "Our checkout test ran for two weeks.\n\nThe minimum detectable effect was set to two percent, "
        "and the sample size came from a power calculation.\n"
    )
    (root / "guide.md").write_text(
        "---\ntitle: Team guide\n---\n# Team guide\n\n## Before launch\n\nWrite down the MDE and the metric.\n"
    )
    (root / "paper.pdf").write_bytes(
        make_pdf(
            ["Variance reduction lowers the sample size you need.", "Statistical power stays at 80 percent."]
        )
    )
    (root / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / ".hidden.md").write_text("# Not me\n\nHidden files are ignored.\n")
    return root


def test_a_folder_of_text_markdown_and_pdf_becomes_documents(
    graph: Graph, embedder: Embedder, folder: Path
) -> None:
    batches, skipped = load_text_batches([folder])
    assert [p.name for p in skipped] == ["diagram.png"]
    report = ingest_batches(graph.db, graph.store, embedder, batches)
    assert len(report.new) == 3
    events = list(graph.store.read())
    docs = {
        e.payload.metadata["format"]: e.payload for e in events if isinstance(e.payload, DocumentIngested)
    }
    assert set(docs) == {"text", "markdown", "pdf"}
    assert docs["markdown"].title == "Team guide"
    assert docs["pdf"].title == "Tiny PDF"
    assert docs["text"].title == "Retro"
    assert all(d.kind == "text" for d in docs.values())
    assert all(d.metadata["scope"] == f"dir:{folder.resolve()}" for d in docs.values())
    pdf_chunks = [
        e.payload
        for e in events
        if isinstance(e.payload, ChunkAdded) and e.payload.doc_id == docs["pdf"].doc_id
    ]
    assert pdf_chunks and pdf_chunks[0].heading == "Tiny PDF > Page 1"
    assert "Variance reduction lowers the sample size" in pdf_chunks[0].text
    assert count_rows(graph.db)["document"] == 3


def test_reingesting_an_unchanged_folder_appends_nothing_and_a_deleted_file_is_retracted(
    graph: Graph, embedder: Embedder, folder: Path
) -> None:
    batches, _ = load_text_batches([folder])
    ingest_batches(graph.db, graph.store, embedder, batches)
    head = graph.store.head()
    assert (
        ingest_batches(graph.db, graph.store, embedder, load_text_batches([folder])[0]).events_appended == 0
    )
    assert graph.store.head() == head
    (folder / "retro.txt").unlink()
    report = ingest_batches(graph.db, graph.store, embedder, load_text_batches([folder])[0])
    assert report.retracted == [document_id_for(folder / "retro.txt")]
    assert [e.event_type for e in graph.store.read(after=head)] == ["DocumentRetracted"]
    assert get_document(graph.db, document_id_for(folder / "retro.txt")) is None


def test_a_single_file_batch_retracts_nothing_else(graph: Graph, embedder: Embedder, folder: Path) -> None:
    ingest_batches(graph.db, graph.store, embedder, load_text_batches([folder])[0])
    head = graph.store.head()
    report = ingest_batches(graph.db, graph.store, embedder, load_text_batches([folder / "guide.md"])[0])
    assert report.events_appended == 0
    assert graph.store.head() == head


def test_text_documents_link_the_concepts_they_mention(
    graph: Graph, embedder: Embedder, folder: Path, corpus_copy: Path
) -> None:
    batches, _ = load_sources(corpus_copy, [folder])
    ingest_batches(graph.db, graph.store, embedder, batches)
    retro = document_id_for(folder / "retro.txt")
    concepts = set(
        graph.db.query(
            "SELECT VALUE concept_id FROM mentions WHERE chunk_id IN (SELECT VALUE chunk_id FROM chunk WHERE doc_id = $d)",
            {"d": retro},
        )
    )
    # "minimum detectable effect", "sample size" and "power" are names/aliases of fixture concepts.
    assert concepts == {"minimum-detectable-effect", "sample-size", "statistical-power"}
    guide = document_id_for(folder / "guide.md")
    chunk = next(
        e.payload
        for e in graph.store.read()
        if isinstance(e.payload, ChunkAdded) and e.payload.doc_id == guide
    )
    assert chunk.concepts == ["minimum-detectable-effect"]  # "MDE" is a short alias, matched case-sensitively


@pytest.mark.parametrize(
    ("name", "content", "line", "words"),
    [
        ("empty.txt", b"  \n", 0, "file is empty"),
        ("binary.txt", b"abc\x00def", 0, "binary"),
        ("latin.txt", b"first line\ncaf\xe9\n", 2, "not valid UTF-8"),
        ("broken.md", b"---\ntitle: [unclosed\n---\n# Body\n\ntext\n", 2, "malformed YAML"),
        ("fake.pdf", b"this is not a pdf", 0, "no %PDF header"),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<<", 0, "PDF"),
        ("notes.docx", b"PK\x03\x04", 0, "unsupported file type .docx"),
    ],
)
def test_bad_files_are_refused_with_file_and_line(
    name: str, content: bytes, line: int, words: str, tmp_path: Path, graph: Graph, embedder: Embedder
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A perfectly readable note about the checkout test.\n")
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestValidationError) as err:
        ingest_paths(graph, embedder, good, path)
    problem = err.value.problems[0]
    assert problem.path == path
    assert problem.line == line
    assert words in problem.message
    assert graph.store.head() == 0, "the good file beside the bad one must not be ingested either"
    ingest_paths(graph, embedder, good)
    assert graph.store.head() > 0, "the same call writes once the bad file is gone"


def test_a_pdf_without_a_text_layer_says_to_run_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([], title=None))
    with pytest.raises(CorpusFormatError, match="no extractable text") as err:
        read_file(path)
    assert err.value.path == path
    assert "run OCR" in str(err.value)


def test_one_bad_file_in_a_folder_blocks_the_whole_run(
    graph: Graph, embedder: Embedder, folder: Path, corpus_copy: Path
) -> None:
    ingest_paths(graph, embedder, folder)
    head = graph.store.head()
    (folder / "retro.txt").write_text("An edited retro that would append events if the run went ahead.\n")
    (folder / "broken.txt").write_bytes(b"\x00\x01")
    with pytest.raises(IngestValidationError) as err:
        ingest_paths(graph, embedder, folder, corpus_dir=corpus_copy)
    assert [p.path.name for p in err.value.problems] == ["broken.txt"]
    assert graph.store.head() == head, "neither the corpus nor the edited retro was appended"


def test_a_missing_path_is_reported(tmp_path: Path) -> None:
    with pytest.raises(IngestValidationError, match="no such file or folder"):
        load_text_batches([tmp_path / "nope"])


def test_document_ids_are_stable_per_path(tmp_path: Path) -> None:
    path = tmp_path / "My Notes.txt"
    path.write_text("hello there")
    first = read_file(path)
    path.write_text("hello there, changed")
    second = read_file(path)
    assert first.doc_id == second.doc_id == document_id_for(path)
    assert first.doc_id.startswith("text-my-notes-")
    assert first.content_hash != second.content_hash


def test_a_file_edited_and_reingested_alone_stays_in_its_folder_scope(
    graph: Graph, embedder: Embedder, folder: Path
) -> None:
    ingest_batches(graph.db, graph.store, embedder, load_text_batches([folder])[0])
    (folder / "retro.txt").write_text("A rewritten retro about the checkout test.\n")
    report = ingest_batches(graph.db, graph.store, embedder, load_text_batches([folder / "retro.txt"])[0])
    assert report.changed == [document_id_for(folder / "retro.txt")]
    (folder / "retro.txt").unlink()
    report = ingest_batches(graph.db, graph.store, embedder, load_text_batches([folder])[0])
    assert report.retracted == [document_id_for(folder / "retro.txt")]
