"use strict";
// The Ask page: ask, watch the steps, read the verified answer, open sources beside it, inspect the trace.
let current = null;
let readings = null; // relation readings from the ontology: inverse reading -> forward reading

const STEP_LABELS = {
  understand: "Reading the question", entities: "Finding the concepts you named", traverse: "Following related concepts",
  retrieve: "Searching the sources", calculate: "Running the calculators", assemble: "Collecting the evidence",
  generate: "Writing the answer", verify: "Checking every sentence against its sources", respond: "Putting the answer together",
  cache: "Found an earlier answer to this question",
};
const ROUTE = ["understand", "entities", "traverse", "retrieve", "calculate", "assemble", "generate", "verify", "respond"];
const INTENTS = { calculation: "calculation", conceptual: "explanation", comparison: "comparison", procedural: "how-to", out_of_scope: "outside the topic" };
const HIDDEN_INPUTS = new Set(["per_comparison_alpha"]);

// ---------------------------------------------------------------- status line with a live elapsed time
const status = { timer: null, started: 0, text: "" };
function setStatus(text, { busy = false } = {}) {
  status.text = text;
  clearInterval(status.timer);
  const render = () => {
    const secs = ((performance.now() - status.started) / 1000).toFixed(1);
    $("status").replaceChildren(...(busy ? [el("span", { class: "spinner", "aria-hidden": "true" }), `${status.text} · ${secs} s`] : [status.text]));
  };
  render();
  if (busy) status.timer = setInterval(render, 200);
}
function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message ? `Could not answer: ${message}` : "";
}

async function loadReadings() {
  if (readings) return readings;
  readings = new Map();
  try {
    const body = await getJSON("/api/graph/ontology");
    for (const r of body.relations) readings.set(r.inverse_reads_as, { forward: r.reads_as, inverse: !r.symmetric });
    for (const r of body.relations) if (!readings.has(r.reads_as)) readings.set(r.reads_as, { forward: r.reads_as, inverse: false });
  } catch { /* labels fall back to the reading as given */ }
  return readings;
}

// ---------------------------------------------------------------- answer text with consecutive source numbers
function numbering(citations) {
  const map = new Map();
  (citations || []).forEach((c, i) => map.set(String(c.marker), i + 1));
  return map;
}

function renderAnswerText(text, citations) {
  const box = $("answer");
  box.textContent = "";
  const byMarker = new Map((citations || []).map((c) => [String(c.marker), c]));
  const shown = numbering(citations);
  for (const part of text.split(/(\[\d+\])/)) {
    const m = part.match(/^\[(\d+)\]$/);
    if (m && byMarker.has(m[1])) {
      box.append(el("button", { class: "cite", type: "button", "data-marker": m[1], title: byMarker.get(m[1]).title,
        onclick: () => openCitation(byMarker.get(m[1]), shown.get(m[1])) }, `[${shown.get(m[1])}]`));
    } else if (!m) {
      box.append(part);
    }
  }
}

function openSide(...children) {
  $("side-content").replaceChildren(...children);
  $("side-panel").hidden = false;
}

function openCitation(c, number) {
  const kinds = { chunk: "document passage", concept: "concept definition", relation: "relation", calculation: "calculation" };
  openSide(
    el("h3", {}, `[${number}] ${c.title || c.id}`),
    el("p", { class: "muted small" }, `${kinds[c.kind] || c.kind}${c.source ? " · " + c.source : ""}`),
    el("blockquote", { class: "quote" }, c.quote || ""),
    c.uri ? el("p", { class: "small muted" }, c.uri) : "",
  );
}

async function openConcept(id) {
  try {
    const body = await getJSON(`/api/graph/concepts/${encodeURIComponent(id)}`);
    const c = body.concept;
    const rels = el("ul", { class: "related" });
    for (const r of body.relations.slice(0, 14)) {
      rels.append(el("li", {}, sentenceNode(r.sentence, r.direction === "out" ? "object" : "subject", () => openConcept(r.concept_id))));
    }
    openSide(
      el("h3", {}, c.name), el("p", { class: "muted small" }, `${c.category || ""}${(c.aliases || []).length ? " · also: " + c.aliases.join(", ") : ""}`),
      el("p", {}, c.definition || ""),
      c.formula_text ? el("p", {}, el("span", { class: "formula" }, c.formula_text)) : "",
      el("h4", {}, "Related"), rels,
      el("p", {}, el("a", { href: `/graph#concept=${encodeURIComponent(c.concept_id)}` }, "Open in the concept explorer →")),
    );
  } catch (err) {
    openSide(el("p", {}, err.message));
  }
}

// "Subject verb Object" with one end clickable.
function sentenceNode(s, linkEnd, onclick) {
  const link = (name) => el("button", { class: "link", type: "button", onclick }, name);
  return el("span", { class: "sentence" },
    linkEnd === "subject" ? link(s.subject) : s.subject, " ", el("span", { class: "verb" }, s.verb), " ",
    linkEnd === "object" ? link(s.object) : s.object);
}

// A related concept's last hop, read in the relation's stored direction ("CUPED decreases sample size").
function relatedSentence(rc) {
  const from = (rc.path || [])[Math.max(0, (rc.path || []).length - 2)] || "";
  const reading = (readings && readings.get(rc.relation)) || { forward: rc.relation, inverse: false };
  return reading.inverse
    ? { subject: rc.name, verb: reading.forward, object: from, linkEnd: "subject" }
    : { subject: from, verb: reading.forward, object: rc.name, linkEnd: "object" };
}

// ---------------------------------------------------------------- calculations: rounded like the answer, exact on hover
function calculationTable(c) {
  const table = el("table", { class: "calc" });
  table.append(el("tr", {}, el("th", {}, "Method"), el("td", {}, c.method)));
  table.append(el("tr", { class: "group" }, el("th", { colspan: 2 }, "Result")));
  const rounded = c.outputs_rounded || {};
  for (const [k, v] of Object.entries(c.outputs || {})) table.append(el("tr", { class: "result" }, el("th", {}, label(k)), valueCell(v, k, rounded[k])));
  table.append(el("tr", { class: "group" }, el("th", { colspan: 2 }, "From")));
  for (const [k, v] of Object.entries(c.inputs || {})) {
    if (HIDDEN_INPUTS.has(k)) continue;
    table.append(el("tr", {}, el("th", {}, label(k)), valueCell(v, k)));
  }
  if (c.formula) table.append(el("tr", {}, el("th", {}, "Formula"), el("td", {}, el("code", { class: "formula" }, c.formula))));
  if ((c.assumptions || []).length) table.append(el("tr", {}, el("th", {}, "Assumed"), el("td", {}, c.assumptions.join("; "))));
  if (c.library) table.append(el("tr", {}, el("th", {}, "Computed with"), el("td", {}, c.library)));
  return table;
}

async function drawAnswerCurve(c) {
  const box = $("answer-curve");
  box.replaceChildren();
  if (!/^(proportions|means)_(sample_size|power|mde)$/.test(c.tool)) return;
  try {
    const curve = await postJSON(`/api/calculators/${c.tool}/curve`, c.inputs);
    box.append(curveCharts(curve), el("p", { class: "small" }, el("a", { href: `/calculators#${c.tool}` }, "Change the inputs in the calculator →")));
  } catch { /* the table already answers; a curve is a bonus */ }
}

function renderResponse(r) {
  current = r;
  $("result").hidden = false;
  $("intent").textContent = INTENTS[r.intent] || r.intent || "";
  const v = r.verification || {};
  const ok = v.citations_valid && v.numbers_verified;
  $("verification").textContent = ok ? "✓ checked against sources" : "partly checked";
  $("verification").className = "badge " + (ok ? "ok" : "warn");
  $("verification").title = ok ? "Every sentence cites a source and every number matches a source or calculation." : "Some sentences or numbers could not be matched to a source and were removed.";
  $("as-of").replaceChildren(r.as_of != null ? el("a", { href: "/log", title: "The answer used the knowledge base as it stood after this many recorded changes" }, `knowledge base as of change #${Number(r.as_of).toLocaleString("en-US")}`) : "");
  renderAnswerText(r.answer || "", r.citations);

  const needs = r.needs || [];
  $("needs").hidden = needs.length === 0;
  $("needs").textContent = needs.length ? `To calculate this I need: ${needs.join("; ")}` : "";
  $("entities").replaceChildren(...(r.entities || []).map((e) =>
    el("span", { title: `matched “${e.mention}”` }, e.name)));

  const calcs = r.calculations || [];
  $("calc-section").hidden = calcs.length === 0;
  $("calculations").replaceChildren(...calcs.map(calculationTable));
  if (calcs.length) drawAnswerCurve(calcs[0]); else $("answer-curve").replaceChildren();

  const related = (r.related_concepts || []).slice(0, 6);
  $("related-section").hidden = related.length === 0;
  $("related").replaceChildren(...related.map((rc) => {
    const s = relatedSentence(rc);
    return el("li", {}, sentenceNode(s, s.linkEnd, () => openConcept(rc.concept_id)));
  }));

  const shown = numbering(r.citations);
  $("sources-section").hidden = !(r.citations || []).length;
  $("citations").replaceChildren(...(r.citations || []).map((c) => el("li", { value: shown.get(String(c.marker)) },
    el("button", { class: "link", type: "button", onclick: () => openCitation(c, shown.get(String(c.marker))) }, c.title || c.id))));
  $("trace-button").disabled = !r.trace_id;
}

// ---------------------------------------------------------------- asking
// One conversation per page: a follow-up ("and at 90% power?") reuses the previous calculation's inputs.
const conversationId = window.crypto && crypto.randomUUID ? crypto.randomUUID() : `c${Date.now()}${Math.random().toString(16).slice(2)}`;
async function ask(question) {
  const body = JSON.stringify({ question, max_hops: parseInt($("max-hops").value, 10) || undefined, conversation_id: conversationId });
  $("trace-panel").hidden = true;
  $("side-panel").hidden = true;
  $("result").hidden = true;
  showError("");
  $("ask-button").disabled = true;
  status.started = performance.now();
  setStatus("Reading the question", { busy: true });
  await loadReadings();
  try {
    if ($("stream").checked) await askStreaming(body); else await askPlain(body);
  } catch (err) {
    setStatus("");
    showError(err.message);
  } finally {
    clearInterval(status.timer);
    $("ask-button").disabled = false;
  }
}

function doneStatus(r) {
  const ms = Object.values(r.timings_ms || {}).reduce((a, b) => a + b, 0);
  return `Answered in ${(ms / 1000).toFixed(1)} s.`;
}

async function askPlain(body) {
  setStatus("Working on the answer", { busy: true });
  const data = await getJSON("/query", { method: "POST", headers: { "Content-Type": "application/json" }, body });
  renderResponse(data);
  setStatus(doneStatus(data));
}

async function askStreaming(body) {
  const res = await fetch("/query/stream", { method: "POST", headers: { "Content-Type": "application/json" }, body });
  if (!res.ok) { let data = {}; try { data = await res.json(); } catch { /* not JSON */ } throw new Error(data.error ? data.error.message : res.statusText); }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "", sentences = 0, final = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    // Litestar separates SSE lines with CRLF; normalise the whole buffer so a CR split across chunks still pairs up.
    buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n/g, "\n");
    let idx;
    while ((idx = buffer.indexOf("\n\n")) >= 0) {
      const raw = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      let event = "message", data = "";
      for (const line of raw.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).replace(/^ /, "");
      }
      if (!data) continue;
      const payload = JSON.parse(data);
      if (event === "step") {
        const next = payload.node === "cache" ? "cache" : ROUTE[ROUTE.indexOf(payload.node) + 1];
        if (next && next !== "respond") setStatus(STEP_LABELS[next] || next, { busy: true });
      } else if (event === "progress") {
        setStatus(`${STEP_LABELS.generate} (draft: ${payload.tokens} tokens; shown once checked)`, { busy: true });
      } else if (event === "sentence") {
        if (sentences === 0) { $("result").hidden = false; $("answer").textContent = ""; }
        $("answer").append(sentences ? " " : "", payload.text);
        sentences += 1;
      } else if (event === "final") {
        final = payload;
        renderResponse(payload);
        setStatus(doneStatus(payload));
      } else if (event === "error") {
        throw new Error(payload.error ? payload.error.message : "the answer could not be completed");
      }
    }
  }
  if (!final) throw new Error("the connection closed before the answer was complete; try again");
}

// ---------------------------------------------------------------- trace: the graph walked, drawn from trace.graph
function drawTraceGraph(trace) {
  const box = $("trace-graph");
  box.replaceChildren();
  const g = trace.graph || { nodes: [], edges: [] };
  if (!g.nodes.length) {
    box.append(svg("text", { x: 12, y: 24 }, "No concepts were linked or traversed for this question."));
    return;
  }
  const nodes = g.nodes.slice(0, 30);
  const layers = new Map();
  for (const n of nodes) { const d = Math.min(n.depth, 3); if (!layers.has(d)) layers.set(d, []); layers.get(d).push(n); }
  const width = box.clientWidth || 900, rows = Math.max(...[...layers.values()].map((l) => l.length));
  const height = Math.max(260, 34 * rows + 40);
  box.setAttribute("viewBox", `0 0 ${width} ${height}`);
  box.style.height = `${height}px`;
  const depths = [...layers.keys()].sort((a, b) => a - b);
  const pos = new Map();
  depths.forEach((d, col) => {
    const list = layers.get(d);
    list.forEach((n, i) => pos.set(n.id, [90 + (col * (width - 300)) / Math.max(depths.length - 1, 1), (height * (i + 1)) / (list.length + 1)]));
  });
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 20, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#9aa4b2" }));
  defs.append(marker);
  box.append(defs);
  for (const e of g.edges) {
    const a = pos.get(e.from), b = pos.get(e.to);
    if (!a || !b) continue;
    const mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2 - (a[0] === b[0] ? 0 : 18);
    const path = svg("path", { class: `edge ${e.kind}`, d: `M${a[0]},${a[1]} C${mx},${my} ${mx},${my} ${b[0]},${b[1]}`, "stroke-width": 1 + 1.5 * (e.weight || 0), "marker-end": "url(#arrow)" });
    path.append(svg("title", {}, e.sentence.text));
    box.append(path);
    if (e.kind === "connecting") box.append(svg("text", { class: "edge-label", x: mx, y: my + 4, "text-anchor": "middle" }, e.sentence.verb));
  }
  for (const n of nodes) {
    const p = pos.get(n.id);
    const c = svg("circle", { cx: p[0], cy: p[1], r: n.seed ? 8 : 6, fill: n.seed ? "#2457d6" : "#8fb0ff", stroke: "#fff", "stroke-width": 2 });
    c.append(svg("title", {}, n.name));
    const t = svg("text", { x: p[0] + 11, y: p[1] + 4, "font-weight": n.seed ? 600 : 400 }, n.name);
    const link = svg("g", { style: "cursor:pointer" });
    link.addEventListener("click", () => openConcept(n.id));
    link.append(c, t);
    box.append(link);
  }
}

function drawTimeline(trace) {
  const box = $("trace-timeline");
  const steps = (trace.nodes || []).map((s) => ({ name: STEP_LABELS[s.node] || s.node, ms: s.ms ?? 0 }));
  const max = Math.max(1, ...steps.map((s) => s.ms));
  box.replaceChildren(...steps.map((s) => el("div", { class: "row" }, el("span", { class: "name" }, s.name),
    el("span", { class: "bar", style: `width:${Math.round((420 * s.ms) / max)}px` }), el("span", { class: "muted" }, s.ms >= 1000 ? `${(s.ms / 1000).toFixed(1)} s` : `${Math.round(s.ms * 10) / 10} ms`))));
}

async function showTrace() {
  if (!current || !current.trace_id) return;
  try {
    const trace = await getJSON(`/traces/${encodeURIComponent(current.trace_id)}`);
    $("trace-panel").hidden = false;
    $("trace-id").textContent = current.trace_id;
    drawTraceGraph(trace);
    drawTimeline(trace);
    $("trace-json").textContent = JSON.stringify(trace, null, 2);
    $("trace-panel").scrollIntoView({ behavior: "smooth" });
  } catch (err) {
    showError(err.message);
  }
}

$("ask-form").addEventListener("submit", (e) => { e.preventDefault(); const q = $("question").value.trim(); if (q) ask(q); else showError("type a question first"); });
$("question").addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("ask-form").requestSubmit(); } });
for (const b of document.querySelectorAll(".example")) b.addEventListener("click", () => { $("question").value = b.textContent; ask(b.textContent); });
$("trace-button").addEventListener("click", showTrace);
$("side-close").addEventListener("click", () => { $("side-panel").hidden = true; });
{ const q = new URLSearchParams(location.search).get("q"); if (q) $("question").value = q; }
