"""The answer cache keys on the projection position (where the planner answers), not the log head."""

from __future__ import annotations

from config import Settings
from engine.db import Database
from engine.events import DocumentIngested
from engine.projection import catch_up_projection
from engine.store import EventStore
from planner.factory import planner_over
from planner.response import AnswerResponse, VerificationOut
from services.admission import Admission
from services.answer_cache import AnswerCache
from services.answering import AnswerService, Question


def _response(question: str, as_of: int) -> AnswerResponse:
    return AnswerResponse(
        question=question,
        answer="A p-value is a probability [1].",
        intent="definition",
        entities=[],
        citations=[],
        related_concepts=[],
        calculations=[],
        needs=[],
        verification=VerificationOut(citations_valid=True, numbers_verified=True, removed_sentences=[]),
        trace_id="0" * 32,
        as_of=as_of,
        timings_ms={},
    )


def test_an_appended_event_keeps_the_answer_until_it_is_projected(settings: Settings, db: Database) -> None:
    answers = AnswerService(
        planner_over(settings, db, None, None), cache=AnswerCache(), admission=Admission(1)
    )
    store = EventStore(db)
    question = Question("What is a p-value?")
    answers.cache.put(answers.key(question), _response(question.text, 0))

    store.append(
        "document:d", [DocumentIngested(doc_id="d", title="T", kind="guide", source="s", content_hash="h")]
    )
    assert store.head() == 1
    # The graph still reflects position 0, which is where the planner would answer: the answer stands.
    assert answers.key(question).graph_position == 0
    assert answers.cached(question) is not None

    assert catch_up_projection(db) == 1
    assert answers.key(question).graph_position == 1
    assert answers.cached(question) is None  # the graph changed: the old answer is unreachable
    # An explicit as_of is its own position; spacing and case do not split the key.
    assert answers.key(Question("what is a  P-value?", as_of=0)).graph_position == 0
    assert answers.key(Question("what is a  P-value?")) == answers.key(question)


def test_a_conversation_turn_never_comes_from_the_cache(settings: Settings, db: Database) -> None:
    answers = AnswerService(
        planner_over(settings, db, None, None), cache=AnswerCache(), admission=Admission(1)
    )
    question = Question("What is a p-value?")
    answers.cache.put(answers.key(question), _response(question.text, 0))
    assert answers.cached(question) is not None
    assert answers.cached(Question(question.text, conversation_id="conversation-1")) is None
