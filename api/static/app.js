"use strict";
// expgraph page: ask, read the cited answer, open sources beside it, inspect the trace. No external resources.
const $ = (id) => document.getElementById(id);
let current = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function fmt(v) {
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-US") : String(+v.toPrecision(6));
  if (Array.isArray(v)) return v.map(fmt).join(", ");
  if (v && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function setStatus(text) { $("status").textContent = text; }

function renderAnswerText(text, citations) {
  const box = $("answer");
  box.textContent = "";
  const byMarker = new Map((citations || []).map((c) => [String(c.marker), c]));
  for (const part of text.split(/(\[\d+\])/)) {
    const m = part.match(/^\[(\d+)\]$/);
    if (m && byMarker.has(m[1])) {
      box.append(el("button", { class: "cite", type: "button", "data-marker": m[1], onclick: () => openCitation(byMarker.get(m[1])) }, part));
    } else {
      box.append(part);
    }
  }
}

function openSide(...children) {
  $("side-content").replaceChildren(...children);
  $("side-panel").hidden = false;
}

function openCitation(c) {
  openSide(
    el("h3", {}, `[${c.marker}] ${c.title || c.id}`),
    el("p", { class: "muted" }, `${c.kind}${c.source ? " · " + c.source : ""}`),
    el("blockquote", { class: "quote" }, c.quote || ""),
    c.uri ? el("p", {}, el("span", { class: "muted" }, c.uri)) : "",
  );
}

async function openConcept(id) {
  const res = await fetch(`/concepts/${encodeURIComponent(id)}`);
  const body = await res.json();
  if (!res.ok) { openSide(el("p", {}, body.error ? body.error.message : "not found")); return; }
  const c = body.concept || body;
  const neighbours = el("ul");
  for (const n of body.neighbours || []) {
    neighbours.append(el("li", {}, `${n.direction === "in" ? "←" : "→"} ${n.reads_as || n.rel_type} `,
      el("button", { class: "link", type: "button", onclick: () => openConcept(n.concept_id) }, n.name)));
  }
  openSide(
    el("h3", {}, c.name), el("p", { class: "muted" }, `${c.category || ""}${(c.aliases || []).length ? " · also: " + c.aliases.join(", ") : ""}`),
    el("p", {}, c.definition || ""),
    c.formula_text ? el("p", {}, el("span", { class: "formula" }, c.formula_text)) : "",
    el("h4", {}, "Related"), neighbours,
  );
}

function renderResponse(r) {
  current = r;
  $("result").hidden = false;
  $("intent").textContent = r.intent || "";
  const v = r.verification || {};
  const ok = v.citations_valid && v.numbers_verified;
  $("verification").textContent = ok ? "verified" : "partly verified";
  $("verification").className = "badge " + (ok ? "ok" : "warn");
  $("as-of").textContent = r.as_of != null ? `log position ${r.as_of}` : "";
  renderAnswerText(r.answer || "", r.citations);

  const needs = r.needs || [];
  $("needs").hidden = needs.length === 0;
  $("needs").textContent = needs.length ? `To calculate this I need: ${needs.join("; ")}` : "";

  $("entities").replaceChildren(...(r.entities || []).map((e) =>
    el("span", { title: `confidence ${fmt(e.confidence)}` }, `${e.name} (“${e.mention}”)`)));

  const calcs = $("calculations");
  calcs.replaceChildren();
  if (!(r.calculations || []).length) calcs.append(el("p", { class: "muted" }, "No calculation for this question."));
  for (const c of r.calculations || []) {
    const table = el("table", { class: "calc" });
    table.append(el("tr", {}, el("th", {}, "Tool"), el("td", {}, `${c.tool} — ${c.method}`)));
    for (const [k, val] of Object.entries(c.inputs || {})) table.append(el("tr", {}, el("th", {}, `input ${k}`), el("td", {}, fmt(val))));
    for (const [k, val] of Object.entries(c.outputs || {})) table.append(el("tr", {}, el("th", {}, k), el("td", { class: "output" }, fmt(val))));
    if (c.formula) table.append(el("tr", {}, el("th", {}, "Formula"), el("td", {}, el("span", { class: "formula" }, c.formula))));
    if ((c.assumptions || []).length) table.append(el("tr", {}, el("th", {}, "Assumptions"), el("td", {}, c.assumptions.join("; "))));
    if (c.library) table.append(el("tr", {}, el("th", {}, "Library"), el("td", {}, c.library)));
    calcs.append(table);
  }

  $("related").replaceChildren(...(r.related_concepts || []).map((rc) => el("li", {},
    el("button", { class: "link", type: "button", onclick: () => openConcept(rc.concept_id) }, rc.name),
    ` — ${rc.relation || ""} `, el("span", { class: "path" }, (rc.path || []).join(" → ")))));

  $("citations").replaceChildren(...(r.citations || []).map((c) => el("li", { value: c.marker },
    el("button", { class: "link", type: "button", onclick: () => openCitation(c) }, c.title || c.id),
    el("span", { class: "muted" }, ` (${c.kind})`))));
  $("trace-button").disabled = !r.trace_id;
}

async function ask(question) {
  const maxHops = parseInt($("max-hops").value, 10) || undefined;
  const body = JSON.stringify({ question, max_hops: maxHops });
  $("trace-panel").hidden = true;
  $("side-panel").hidden = true;
  $("ask-button").disabled = true;
  setStatus("Thinking…");
  try {
    if ($("stream").checked) await askStreaming(body); else await askPlain(body);
  } catch (err) {
    setStatus(`Error: ${err.message}`);
  } finally {
    $("ask-button").disabled = false;
  }
}

async function askPlain(body) {
  const res = await fetch("/query", { method: "POST", headers: { "Content-Type": "application/json" }, body });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error ? data.error.message : res.statusText);
  renderResponse(data);
  setStatus(`Answered in ${Math.round(Object.values(data.timings_ms || {}).reduce((a, b) => a + b, 0))} ms.`);
}

async function askStreaming(body) {
  const res = await fetch("/query/stream", { method: "POST", headers: { "Content-Type": "application/json" }, body });
  if (!res.ok) { const data = await res.json(); throw new Error(data.error ? data.error.message : res.statusText); }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "", draft = "";
  $("result").hidden = false;
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
      if (event === "step") setStatus(`✓ ${payload.node} (${Math.round(payload.ms || 0)} ms)`);
      else if (event === "token") { draft += payload.text; $("answer").textContent = draft; }
      else if (event === "final") { renderResponse(payload); setStatus("Done."); }
      else if (event === "error") throw new Error(payload.error ? payload.error.message : "stream failed");
    }
  }
}

function drawTraceGraph(trace) {
  const svg = $("trace-graph");
  svg.replaceChildren();
  const ns = "http://www.w3.org/2000/svg";
  const hops = trace.hops || [];
  const entities = (trace.entities || []).map((e) => e.name || e.concept_id);
  const names = [...new Set([...entities, ...hops.flatMap((h) => [h.from_name || h.from, h.to_name || h.to])])].slice(0, 40);
  if (!names.length) {
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", 12); t.setAttribute("y", 24); t.textContent = "No concepts were linked or traversed for this question.";
    svg.append(t); return;
  }
  // Layer by hop distance from the linked entities; draw edges, then nodes.
  const depth = new Map(entities.map((n) => [n, 0]));
  for (let pass = 0; pass < 6; pass++) for (const h of hops) {
    const a = h.from_name || h.from, b = h.to_name || h.to;
    if (depth.has(a) && !depth.has(b)) depth.set(b, depth.get(a) + 1);
  }
  const layers = new Map();
  for (const n of names) { const d = depth.has(n) ? depth.get(n) : 1; if (!layers.has(d)) layers.set(d, []); layers.get(d).push(n); }
  const width = svg.clientWidth || 900, height = 320, cols = Math.max(...layers.keys()) + 1;
  const pos = new Map();
  for (const [d, list] of layers) list.forEach((n, i) => pos.set(n, [40 + (d * (width - 200)) / Math.max(cols - 1, 1), (height * (i + 1)) / (list.length + 1)]));
  for (const h of hops) {
    const a = pos.get(h.from_name || h.from), b = pos.get(h.to_name || h.to);
    if (!a || !b) continue;
    const line = document.createElementNS(ns, "line");
    line.setAttribute("x1", a[0]); line.setAttribute("y1", a[1]); line.setAttribute("x2", b[0]); line.setAttribute("y2", b[1]);
    line.setAttribute("stroke", "#9aa4b2"); line.setAttribute("stroke-width", 1 + 2 * (h.score || 0));
    const title = document.createElementNS(ns, "title"); title.textContent = `${h.relation || h.rel_type} (score ${fmt(h.score)})`;
    line.append(title); svg.append(line);
  }
  for (const [n, [x, y]] of pos) {
    const c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", x); c.setAttribute("cy", y); c.setAttribute("r", 6);
    c.setAttribute("fill", depth.get(n) === 0 ? "#2457d6" : "#8fb0ff");
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", x + 9); t.setAttribute("y", y + 4); t.textContent = n;
    svg.append(c, t);
  }
}

function drawTimeline(trace) {
  const box = $("trace-timeline");
  const steps = (trace.nodes || trace.steps || []).map((s) => ({ name: s.node || s.name, ms: s.ms ?? s.duration_ms ?? 0 }));
  const max = Math.max(1, ...steps.map((s) => s.ms));
  box.replaceChildren(...steps.map((s) => el("div", { class: "row" }, el("span", { class: "name" }, s.name),
    el("span", { class: "bar", style: `width:${Math.round((500 * s.ms) / max)}px` }), el("span", { class: "muted" }, `${fmt(Math.round(s.ms * 10) / 10)} ms`))));
}

async function showTrace() {
  if (!current || !current.trace_id) return;
  const res = await fetch(`/traces/${encodeURIComponent(current.trace_id)}`);
  const trace = await res.json();
  if (!res.ok) { setStatus(trace.error ? trace.error.message : "trace not found"); return; }
  $("trace-panel").hidden = false;
  $("trace-id").textContent = current.trace_id;
  drawTraceGraph(trace);
  drawTimeline(trace);
  $("trace-json").textContent = JSON.stringify(trace, null, 2);
  $("trace-panel").scrollIntoView({ behavior: "smooth" });
}

$("ask-form").addEventListener("submit", (e) => { e.preventDefault(); const q = $("question").value.trim(); if (q) ask(q); });
$("question").addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("ask-form").requestSubmit(); } });
for (const b of document.querySelectorAll(".example")) b.addEventListener("click", () => { $("question").value = b.textContent; ask(b.textContent); });
$("trace-button").addEventListener("click", showTrace);
$("side-close").addEventListener("click", () => { $("side-panel").hidden = true; });
