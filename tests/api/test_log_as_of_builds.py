"""The /log page's as-of builds are bounded: the least recently viewed namespace is dropped through the engine.

Real embedded database (``mem://``) and the engine's own replay; the namespaces are read back with ``INFO FOR ROOT``.
"""

from __future__ import annotations

from api.log_views import as_of_summary
from config import Settings
from engine.as_of_graphs import AsOfGraphs
from engine.db import Database
from engine.graph_reads import count_rows
from engine.projection import Projector
from engine.replay import as_of_namespace, as_of_projection, drop_as_of_projection
from engine.store import EventStore
from planner.service import Planner, PlannerDeps
from tests.engine.sample_events import small_graph


def _as_of_namespaces(db: Database) -> set[str]:
    names = db.query("INFO FOR ROOT")[0]["namespaces"]
    return {name for name in names if name.startswith(f"{db.ns}_asof_")}


def test_drop_removes_one_as_of_build_and_leaves_the_live_graph(db: Database, store: EventStore) -> None:
    small_graph(store)
    Projector(db).catch_up(store)
    live = count_rows(db)
    for position in (3, 5):
        as_of_projection(db, position).close()
    assert _as_of_namespaces(db) == {as_of_namespace(db, 3), as_of_namespace(db, 5)}
    drop_as_of_projection(db, 3)
    assert _as_of_namespaces(db) == {as_of_namespace(db, 5)}
    assert count_rows(db) == live
    drop_as_of_projection(db, 3)  # already gone: nothing to do
    with as_of_projection(db, 3) as rebuilt:  # and it can be built again
        assert Projector(rebuilt).checkpoint() == 3


def test_the_log_keeps_only_the_most_recently_viewed_builds(db: Database, store: EventStore) -> None:
    small_graph(store)
    Projector(db).catch_up(store)
    head = store.head()
    assert head > 6
    graphs = AsOfGraphs(db, capacity=2)
    first_four = as_of_summary(graphs, 4, head)
    assert first_four["cached"] is False
    assert as_of_summary(graphs, 2, head)["cached"] is False
    assert as_of_summary(graphs, 4, head)["cached"] is True  # 4 is now the most recently viewed
    assert _as_of_namespaces(db) == {as_of_namespace(db, 2), as_of_namespace(db, 4)}

    assert as_of_summary(graphs, 6, head)["namespace"] == as_of_namespace(db, 6)
    assert _as_of_namespaces(db) == {as_of_namespace(db, 4), as_of_namespace(db, 6)}, "2 was least recent"

    at_head = as_of_summary(graphs, head, head)  # served from the live namespace
    assert at_head["namespace"] == db.ns
    assert _as_of_namespaces(db) == {as_of_namespace(db, 4), as_of_namespace(db, 6)}, "the head is no build"
    as_of_summary(graphs, 2, head)  # evicts 4
    as_of_summary(graphs, 3, head)  # evicts 6
    assert _as_of_namespaces(db) == {as_of_namespace(db, 2), as_of_namespace(db, 3)}
    assert count_rows(db)["concept"] == at_head["counts"]["concept"] > 0, "the live graph is untouched"

    rebuilt = as_of_summary(graphs, 4, head)  # dropped earlier: built again, the same past
    assert rebuilt["cached"] is False and rebuilt["counts"] == first_four["counts"]


def test_the_planner_and_the_log_share_one_set_of_builds(
    db: Database, store: EventStore, settings: Settings
) -> None:
    """A build the /log page evicts is rebuilt for the planner, never read as an empty namespace."""
    small_graph(store)
    Projector(db).catch_up(store)
    head = store.head()
    graphs = AsOfGraphs(db, capacity=1)
    planner = Planner(PlannerDeps(settings, db, embedder=None, as_of_graphs=graphs))
    past, position = planner.graph_at(8)
    assert position == 8 and Projector(past).checkpoint() == 8
    concepts_at_8 = count_rows(past)["concept"]
    as_of_summary(graphs, 12, head)  # the log page views another position: 8's build is dropped
    assert _as_of_namespaces(db) == {as_of_namespace(db, 12)}
    again, _ = planner.graph_at(8)
    assert Projector(again).checkpoint() == 8 and count_rows(again)["concept"] == concepts_at_8 > 0
    assert graphs.positions() == [8]
