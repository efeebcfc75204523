"use strict";
// The proposals panel of the concept explorer: concepts and relations extracted from user documents, each with its
// evidence (document, chunk, character span, confidence), and Accept/Reject with the admin key. The key stays in
// sessionStorage (this tab only). A rejected proposal leaves the graph and the listing (GET /proposals knows only
// proposed and accepted), so the ones rejected from this tab are kept here to show their new status.
const KEY_STORE = "expgraph.adminKey";
const rejectedHere = new Map();
let verbs = new Map();

function reviewMessage(text, kind) {
  const box = $("review-message");
  box.className = `small review-message ${kind || ""}`;
  box.textContent = text || "";
}

function evidenceNode(e) {
  const span = `characters ${e.start}–${e.end}`;
  return el("div", { class: "evidence" },
    el("blockquote", {}, e.sentence),
    el("div", { class: "muted small evidence-meta" },
      "document", el("span", { class: "chip" }, e.doc_id),
      el("span", { title: e.chunk_id }, `chunk #${e.chunk_id.split("#").pop()}`), " · ",
      el("span", {}, span), " · ",
      el("span", { title: `extractor ${e.extractor} ${e.extractor_version}` }, `confidence ${e.confidence.toFixed(2)}`)));
}

function conceptLink(id, name) {
  return el("button", { class: "link", type: "button", onclick: () => setHash({ concept: id }) }, name || id);
}

function proposalNode(p, kind) {
  const status = rejectedHere.has(p.id) ? "rejected" : p.status;
  const title = kind === "concept"
    ? el("span", {}, conceptLink(p.concept_id, p.name), p.aliases.length ? el("span", { class: "muted small" }, ` (${p.aliases.join(", ")})`) : "",
      el("span", { class: "muted small" }, ` · ${p.category}`))
    : el("span", { class: "sentence" }, conceptLink(p.source_id, p.source_name), " ",
      el("span", { class: "verb" }, verbs.get(p.rel_type) || p.rel_type.replace(/_/g, " ")), " ", conceptLink(p.target_id, p.target_name));
  const buttons = status === "rejected" ? [] : [
    status === "proposed" ? el("button", { type: "button", class: "accept", onclick: () => decide(p.id, "accept") }, "Accept") : "",
    el("button", { type: "button", class: "reject", onclick: () => decide(p.id, "reject", p, kind) }, "Reject"),
  ];
  return el("div", { class: "proposal", "data-id": p.id, "data-status": status },
    el("div", { class: "proposal-head" },
      el("span", { class: `badge status ${status}` }, status), el("span", { class: "muted small kind" }, kind), title,
      el("span", { class: "proposal-actions" }, ...buttons)),
    kind === "concept" && p.definition && !p.evidence.some((e) => e.sentence.trim() === p.definition.trim()) ? el("p", { class: "definition" }, p.definition) : "",
    ...p.evidence.map(evidenceNode));
}

async function loadProposals() {
  const filter = $("proposal-filter").value;
  try {
    const body = await getJSON(`/proposals?status=${encodeURIComponent(filter)}`);
    const listed = new Set([...body.concepts, ...body.relations].map((p) => p.id));
    for (const id of rejectedHere.keys()) if (listed.has(id)) rejectedHere.delete(id); // proposed again since
    const extra = filter === "all" ? [...rejectedHere.values()] : [];
    const concepts = [...body.concepts, ...extra.filter((r) => r.kind === "concept").map((r) => r.p)];
    const relations = [...body.relations, ...extra.filter((r) => r.kind === "relation").map((r) => r.p)];
    const waiting = [...body.concepts, ...body.relations].filter((p) => p.status === "proposed").length;
    const count = (n, one) => `${n} ${one}${n === 1 ? "" : "s"}`;
    $("proposal-counts").textContent = `${count(concepts.length, "concept")} · ${count(relations.length, "relation")}` + (waiting ? ` · ${waiting} awaiting review` : "");
    const section = (name, list, kind) => list.length ? [el("h3", {}, name), ...list.map((p) => proposalNode(p, kind))] : [];
    const nodes = [...section("Concepts", concepts, "concept"), ...section("Relations", relations, "relation")];
    $("proposals").replaceChildren(...(nodes.length ? nodes : [el("p", { class: "muted small" }, filter === "all"
      ? "Nothing proposed yet: ingest a document of your own (expgraph ingest, or POST /ingest) and what it defines appears here."
      : "None with this status.")]));
  } catch (err) { reviewMessage(`Could not list proposals: ${err.message}`, "bad"); }
}

async function decide(id, action, p, kind) {
  const key = $("admin-key").value.trim();
  if (!key) { reviewMessage("Enter the admin key first: accepting or rejecting a proposal changes the graph.", "bad"); $("admin-key").focus(); return; }
  sessionStorage.setItem(KEY_STORE, key);
  for (const b of document.querySelectorAll(`.proposal[data-id="${CSS.escape(id)}"] button`)) b.disabled = true;
  try {
    await getJSON(`/proposals/${encodeURIComponent(id)}/${action}`, { method: "POST", headers: { "Content-Type": "application/json", "X-API-Key": key }, body: "{}" });
    if (action === "reject") rejectedHere.set(id, { kind, p: { ...p, status: "rejected" } });
    reviewMessage(`${action === "accept" ? "Accepted" : "Rejected"} ${id}.`, "good");
  } catch (err) {
    const refused = err.status === 401 || err.status === 403;
    reviewMessage(refused ? `The server refused the admin key (${err.status}): ${err.message}. Check the key and try again.` : `Could not ${action} ${id}: ${err.message}`, "bad");
    if (refused) sessionStorage.removeItem(KEY_STORE);
  }
  await loadProposals();
  const shown = hashState().concept;
  if (shown) showConcept(shown);
}

async function initProposals() {
  $("admin-key").value = sessionStorage.getItem(KEY_STORE) || "";
  $("admin-key").addEventListener("change", (e) => sessionStorage.setItem(KEY_STORE, e.target.value.trim()));
  $("review-key-form").addEventListener("submit", (e) => e.preventDefault());
  $("proposal-filter").addEventListener("change", loadProposals);
  try { verbs = new Map((await getJSON("/api/graph/ontology")).relations.map((r) => [r.name, r.reads_as])); } catch { /* the raw type reads well enough */ }
  await loadProposals();
}

initProposals();
