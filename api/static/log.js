"use strict";
// History: the graph as of a log position (the engine's as-of build, summarised), and the event log with filters.
const KINDS = {
  DocumentIngested: "document added", ChunkAdded: "passage added", ChunkRemoved: "passage removed", ConceptDefined: "concept defined",
  ConceptAliased: "alias added", ConceptsMerged: "concepts merged", RelationAsserted: "relation stated", DocumentRetracted: "document withdrawn",
  ConceptRetracted: "concept withdrawn", RelationRetracted: "relation withdrawn",
};
let head = 0, live = null, nextAfter = 0, asOfTimer = null, asOfSeq = 0;

function kindBadge(type) { return el("span", { class: `type ${type}`, title: type }, KINDS[type] || type); }

function countCard(name, n, nowN) {
  const diff = nowN - n;
  return el("div", { class: "count", "data-count": name }, el("div", { class: "n" }, n.toLocaleString("en-US")),
    el("div", { class: "of" }, `${name}${diff > 0 ? ` · ${diff.toLocaleString("en-US")} fewer than now` : diff < 0 ? ` · ${(-diff).toLocaleString("en-US")} more than now` : " · same as now"}`));
}

async function loadAsOf(position) {
  const mine = ++asOfSeq;
  $("as-of-status").textContent = position === head ? "The graph now." : `Rebuilding the graph from the log up to change #${position.toLocaleString("en-US")} (the first view of a position replays the log; later views are instant)…`;
  try {
    const s = await getJSON(`/api/log/as-of/${position}`);
    if (mine !== asOfSeq) return;
    if (position === head) live = s;
    const now = live || s;
    $("as-of-status").textContent = position === head
      ? `The graph now, after change #${head.toLocaleString("en-US")}.`
      : `The graph after change #${position.toLocaleString("en-US")} of ${head.toLocaleString("en-US")}${s.cached ? "" : " (just rebuilt)"}; built in namespace ${s.namespace}.`;
    $("as-of-counts").replaceChildren(...["document", "chunk", "concept", "relation"].map((t) =>
      countCard({ document: "documents", chunk: "passages", concept: "concepts", relation: "relations" }[t], s.counts[t] || 0, now.counts[t] || 0)));
    const present = new Set(s.concepts.map((c) => c.concept_id));
    const later = now.concepts.filter((c) => !present.has(c.concept_id));
    $("as-of-concepts-box").hidden = false;
    $("as-of-concept-note").textContent = later.length ? `(${s.concepts.length}; struck through: ${later.length} added later)` : `(${s.concepts.length})`;
    $("as-of-concepts").replaceChildren(
      ...s.concepts.map((c) => el("a", { class: "chip", href: `/graph#concept=${encodeURIComponent(c.concept_id)}` }, c.name)),
      ...later.map((c) => el("span", { class: "chip later", title: "not yet in the graph at this point" }, c.name)));
  } catch (err) {
    if (mine === asOfSeq) $("as-of-status").textContent = `Could not build the graph at that position: ${err.message}`;
  }
}

function setPosition(p, { immediate = false } = {}) {
  p = Math.max(1, Math.min(head, Math.round(p) || 1));
  $("as-of").value = p; $("as-of-number").value = p;
  clearTimeout(asOfTimer);
  asOfTimer = setTimeout(() => loadAsOf(p), immediate ? 0 : 450);
}

function eventRow(e) {
  const doc = e.provenance.document_id;
  return el("tr", { "data-position": e.position },
    el("td", { class: "pos" }, el("button", { class: "link", type: "button", title: "View the graph as of this change", onclick: () => { setPosition(e.position, { immediate: true }); window.scrollTo({ top: 0, behavior: "smooth" }); } }, e.position)),
    el("td", {}, kindBadge(e.event_type)), el("td", {}, e.label),
    el("td", { class: "muted" }, `${e.stream_id} v${e.stream_version}`),
    el("td", {}, doc ? el("button", { class: "link", type: "button", onclick: () => { $("filter-doc").value = doc; reload(); } }, doc) : el("span", { class: "muted" }, "—")),
    el("td", { class: "muted" }, [e.provenance.extractor, e.provenance.extractor_version].filter(Boolean).join(" ") || "—"),
    el("td", { class: "muted", title: e.recorded_at }, (e.recorded_at || "").replace("T", " ").slice(0, 19)));
}

async function loadEvents(append) {
  const params = new URLSearchParams({ after: append ? nextAfter : 0, limit: 100 });
  if ($("filter-type").value) params.set("type", $("filter-type").value);
  if ($("filter-doc").value) params.set("document", $("filter-doc").value);
  try {
    const body = await getJSON(`/api/log/events?${params}`);
    $("log-error").hidden = true;
    const rows = body.events.map(eventRow);
    if (append) $("events-body").append(...rows); else $("events-body").replaceChildren(...rows);
    nextAfter = body.next_after;
    $("more").hidden = body.next_after === null;
    $("log-count").textContent = `${$("events-body").children.length} shown${body.next_after === null ? "" : ", more below"}`;
  } catch (err) { $("log-error").hidden = false; $("log-error").textContent = err.message; }
}
const reload = () => loadEvents(false);

async function init() {
  const facets = await getJSON("/api/log/facets");
  head = facets.head;
  for (const t of facets.types) $("filter-type").append(el("option", { value: t.name }, `${KINDS[t.name] || t.name} (${t.count})`));
  for (const d of facets.documents) $("filter-doc").append(el("option", { value: d.id }, `${d.id} (${d.count})`));
  $("as-of").max = head; $("as-of-number").max = head;
  $("as-of").addEventListener("input", (e) => setPosition(+e.target.value));
  $("as-of-number").addEventListener("change", (e) => setPosition(+e.target.value, { immediate: true }));
  $("as-of-now").addEventListener("click", () => setPosition(head, { immediate: true }));
  $("filter-type").addEventListener("change", reload);
  $("filter-doc").addEventListener("change", reload);
  $("more").addEventListener("click", () => loadEvents(true));
  setPosition(head, { immediate: true });
  reload();
}

init().catch((err) => { $("log-error").hidden = false; $("log-error").textContent = err.message; });
