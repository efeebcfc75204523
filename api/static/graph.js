"use strict";
// The concept explorer: search, a concept's relations as sentences with justification and sources, click through,
// and scored paths between two concepts. State lives in the URL hash (#concept=id&from=a&to=b) so Back works.
let all = [], byName = new Map();

function showError(msg) { $("graph-error").hidden = !msg; $("graph-error").textContent = msg || ""; }

function hashState() { return Object.fromEntries(new URLSearchParams(location.hash.slice(1))); }
function setHash(update) {
  const s = { ...hashState(), ...update };
  for (const k of Object.keys(s)) if (!s[k]) delete s[k];
  location.hash = new URLSearchParams(s).toString();
}

function sourcesNode(sources) {
  if (!sources || !sources.length) return "";
  return el("div", { class: "sources small" }, "Source: ", ...sources.map((s) => el("span", { class: "chip", title: s.id }, s.title)));
}

// Concept names in a sentence become links to that concept.
function sentence(s, ids) {
  const part = (name, id) => id ? el("button", { class: "link", type: "button", onclick: () => setHash({ concept: id }) }, name) : el("strong", {}, name);
  return el("span", { class: "sentence" }, part(s.subject, ids[0]), " ", el("span", { class: "verb" }, s.verb), " ", part(s.object, ids[1]));
}

function neighbourhood(concept, relations) {
  const rels = relations.slice(0, 16);
  const W = 640, H = 300, cx = W / 2, cy = H / 2;
  const box = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "graph", style: "height:300px", role: "img", "aria-label": `${concept.name} and its neighbours` });
  const defs = svg("defs"), marker = svg("marker", { id: "arr", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#9aa4b2" })); defs.append(marker); box.append(defs);
  rels.forEach((r, i) => {
    const angle = (2 * Math.PI * i) / rels.length - Math.PI / 2;
    const x = cx + Math.cos(angle) * 240, y = cy + Math.sin(angle) * 112;
    const [ax, ay, bx, by] = r.direction === "out" ? [cx, cy, x, y] : [x, y, cx, cy];
    const len = Math.hypot(bx - ax, by - ay) || 1, shrink = 10 / len;
    const line = svg("line", { class: r.status === "proposed" ? "edge proposed" : "edge", "data-status": r.status || "accepted", x1: ax, y1: ay, x2: bx - (bx - ax) * shrink, y2: by - (by - ay) * shrink, "stroke-width": 1 + 1.5 * (r.weight || 0), "marker-end": "url(#arr)" });
    line.append(svg("title", {}, r.status === "proposed" ? `${r.sentence.text} (proposed, not yet reviewed)` : r.sentence.text));
    box.append(line);
    box.append(svg("text", { class: "edge-label", x: (cx + x) / 2, y: (cy + y) / 2 - 3, "text-anchor": "middle" }, r.sentence.verb));
    const g = svg("g", { style: "cursor:pointer" });
    g.addEventListener("click", () => setHash({ concept: r.concept_id }));
    g.append(svg("circle", { cx: x, cy: y, r: 6, fill: "#8fb0ff", stroke: "#fff", "stroke-width": 2 }),
      svg("text", { x, y: y + (y > cy ? 18 : -10), "text-anchor": "middle" }, r.name.length > 28 ? r.name.slice(0, 27) + "…" : r.name));
    box.append(g);
  });
  box.append(svg("circle", { cx, cy, r: 10, fill: "#2457d6", stroke: "#fff", "stroke-width": 2 }),
    svg("text", { x: cx, y: cy + 26, "text-anchor": "middle", "font-weight": 700 }, concept.name));
  return box;
}

async function showConcept(id) {
  try {
    const body = await getJSON(`/api/graph/concepts/${encodeURIComponent(id)}`);
    showError("");
    const c = body.concept;
    const card = $("concept-card");
    const groups = new Map();
    for (const r of body.relations) {
      const key = r.direction === "out" ? `${c.name} ${r.sentence.verb} …` : `… ${r.sentence.verb} ${c.name}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(r);
    }
    const rels = [];
    for (const [key, list] of groups) {
      rels.push(el("div", { class: "rel-group" }, el("h3", {}, key), ...list.map((r) => el("div", { class: "rel" },
        sentence(r.sentence, r.direction === "out" ? [null, r.concept_id] : [r.concept_id, null]),
        r.status === "proposed" ? el("span", { class: "badge status proposed", title: "extracted from a document, not yet reviewed" }, "proposed") : "",
        r.justification ? el("div", { class: "why" }, r.justification) : "", sourcesNode(r.sources)))));
    }
    card.replaceChildren(
      el("h1", { class: "page", id: "concept-name" }, c.name,
        c.status === "proposed" ? el("span", { class: "badge status proposed", title: "extracted from a document, not yet reviewed" }, "proposed") : ""),
      el("p", { class: "muted small" }, [c.category, (c.aliases || []).length ? "also: " + c.aliases.join(", ") : ""].filter(Boolean).join(" · ")),
      el("p", {}, c.definition || ""),
      c.formula_text ? el("code", { class: "formula" }, c.formula_text) : "",
      el("div", { class: "controls" }, el("button", { type: "button", onclick: () => { $("from").value = c.name; $("to").focus(); } }, "Connect from here"),
        el("a", { href: `/?q=${encodeURIComponent("What is " + c.name + "?")}` }, `Ask about ${c.name} →`)),
      el("h2", {}, `${body.relations.length} relations`),
      body.relations.length ? neighbourhood(c, body.relations) : el("p", { class: "muted" }, "No relations yet."),
      body.relations.some((r) => r.status === "proposed") ? el("p", { class: "muted small legend" }, "Dashed lines: proposed relations, extracted from a document and not yet reviewed.") : "",
      ...rels,
    );
    document.title = `${c.name} — expgraph`;
  } catch (err) { showError(err.message); }
}

async function showPaths(from, to) {
  try {
    const body = await getJSON(`/api/graph/paths?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&max_hops=4`);
    showError("");
    const name = (id) => (all.find((c) => c.concept_id === id) || { name: id }).name;
    $("paths-title").textContent = `${name(from)} and ${name(to)}`;
    $("paths-card").hidden = false;
    if (!body.paths.length) { $("paths").replaceChildren(el("p", { class: "muted" }, "No path within 4 relations.")); return; }
    const best = body.paths[0].score || 1;
    $("paths").replaceChildren(...body.paths.map((p, i) => el("div", { class: "path-card" },
      el("span", { class: "score", title: "product of the relations' weights, less for each extra step" }, `score ${p.score.toFixed(3)}`, el("span", { class: "scorebar", style: `width:${Math.round(60 * p.score / best)}px` })),
      el("strong", {}, `Path ${i + 1}: `, p.nodes.join(" → ")),
      el("ol", {}, ...p.hops.map((h) => el("li", {},
        sentence(h.sentence, h.sentence.subject === name(h.from) ? [h.from, h.to] : [h.to, h.from]),
        el("span", { class: "muted small" }, ` (weight ${h.weight})`),
        h.justification ? el("div", { class: "why small muted" }, h.justification) : "", sourcesNode(h.sources)))))));
  } catch (err) { showError(err.message); }
}

async function search(q) {
  const list = $("results");
  if (!q.trim()) { list.replaceChildren(); return; }
  try {
    const body = await getJSON(`/concepts?q=${encodeURIComponent(q)}&limit=12`);
    list.replaceChildren(...body.concepts.map((c) => el("li", {}, el("button", { type: "button", onclick: () => setHash({ concept: c.concept_id }) }, c.name, el("span", { class: "cat" }, c.category || "")))));
    if (!body.concepts.length) list.append(el("li", { class: "muted small" }, "No concept matches."));
  } catch (err) { showError(err.message); }
}

function idFor(text) {
  const t = text.trim().toLowerCase();
  const hit = byName.get(t) || all.find((c) => c.concept_id === t) || all.find((c) => c.name.toLowerCase().startsWith(t));
  return hit ? hit.concept_id : null;
}

function route() {
  const s = hashState();
  if (s.concept) showConcept(s.concept);
  if (s.from && s.to) showPaths(s.from, s.to); else $("paths-card").hidden = true;
}

async function init() {
  // The search box listens before the concept list arrives: typing early must not be lost.
  let t = null;
  $("search").addEventListener("input", (e) => { clearTimeout(t); t = setTimeout(() => search(e.target.value), 200); });
  const body = await getJSON("/api/graph/concepts");
  all = body.concepts;
  for (const c of all) { byName.set(c.name.toLowerCase(), c); for (const a of c.aliases || []) if (!byName.has(a.toLowerCase())) byName.set(a.toLowerCase(), c); }
  $("concept-names").replaceChildren(...all.map((c) => el("option", { value: c.name })));
  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); const id = idFor($("search").value); if (id) setHash({ concept: id }); else search($("search").value); });
  $("connect-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const a = idFor($("from").value), b = idFor($("to").value);
    if (!a || !b) { showError(`no concept named ${!a ? $("from").value || "(empty)" : $("to").value || "(empty)"}; pick one from the list`); return; }
    setHash({ from: a, to: b });
  });
  for (const b of document.querySelectorAll("[data-concept]")) b.addEventListener("click", () => setHash({ concept: b.dataset.concept }));
  window.addEventListener("hashchange", route);
  route();
}

init().catch((err) => showError(err.message));
