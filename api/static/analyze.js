"use strict";
// The /analyze page: send the results (file, pasted CSV or a sentence) to POST /analyze and render the scorecard.
const byId = (id) => document.getElementById(id);
const HEADINGS = { trust: "Trust checks", metric: "Metrics", multiple_testing: "Multiple testing", bayesian: "Bayesian view", verdict: "Verdict" };
const BADGE = { pass: "pass", fail: "fail", warn: "warning", info: "note", win: "win", loss: "loss", flat: "no change" };

function node(tag, attrs = {}, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) n.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return n;
}

function list(text) { return text.split(",").map((s) => s.trim()).filter(Boolean); }

async function readFile(file) {
  if (/\.(parquet|pq)$/i.test(file.name)) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { data_base64: btoa(binary), format: "parquet" };
  }
  return { data: await file.text(), format: "csv" };
}

async function body() {
  const options = { correction: byId("correction").value, heavy_tail: byId("heavy-tail").value, bayesian: byId("bayesian").checked };
  if (byId("control").value.trim()) options.control = byId("control").value.trim();
  if (byId("guardrails").value.trim()) options.guardrails = list(byId("guardrails").value);
  if (byId("lower").value.trim()) options.lower_is_better = list(byId("lower").value);
  const file = byId("file").files[0];
  if (file) return { ...(await readFile(file)), options };
  if (byId("data").value.trim()) return { data: byId("data").value, format: "csv", options };
  if (byId("question").value.trim()) return { question: byId("question").value, format: "question", options };
  throw new Error("Choose a file, paste CSV or describe the results first.");
}

function citation(c) {
  if (c.kind === "concept") return node("a", { href: `/graph#concept=${encodeURIComponent(c.slug)}`, "data-slug": c.slug }, c.title);
  return node("a", { href: `/?q=${encodeURIComponent(c.title)}`, "data-slug": c.slug, title: "guide: " + c.slug }, "Guide: " + c.title);
}

function render(record) {
  byId("scorecard").hidden = false;
  const verdict = byId("verdict");
  verdict.textContent = record.verdict;
  verdict.dataset.decision = record.decision;
  byId("analysis-id").textContent = record.analysis_id;
  byId("inputs-hash").textContent = record.inputs_hash.slice(0, 16) + "…";
  byId("permalink").href = `/analyses/${record.analysis_id}`;
  const s = record.summary;
  byId("summary").textContent = `Control ${s.control}; units ${Object.entries(s.units).map(([v, n]) => `${v} ${n.toLocaleString()}`).join(", ")}; ` +
    `metrics ${Object.entries(s.metrics).map(([m, k]) => `${m} (${k})`).join(", ")}; primary ${s.primary}; α = ${s.alpha}; ` +
    `multiple testing: ${s.multiplicity || s.correction}` +
    (s.clusters ? `; clusters ${Object.entries(s.clusters).map(([v, n]) => `${v} ${n.toLocaleString()}`).join(", ")}` : "") + ".";
  const sections = byId("sections");
  sections.replaceChildren();
  let current = null;
  let box = null;
  for (const f of record.findings) {
    if (f.section !== current) {
      current = f.section;
      box = node("section", { class: "section", "data-section": f.section }, node("h2", {}, `${sections.children.length + 1}. ${HEADINGS[f.section] || f.section}`));
      sections.append(box);
    }
    box.append(node("div", { class: "finding", "data-status": f.status, "data-kind": f.kind },
      node("div", {}, node("span", { class: "badge" }, BADGE[f.status] || f.status), node("strong", {}, f.title)),
      node("p", {}, f.detail),
      node("div", { class: "cites small" }, "Explained by: ", f.citations.map(citation))));
  }
  const tbody = byId("trace").querySelector("tbody");
  tbody.replaceChildren(...record.trace.map((t) => node("tr", {},
    node("td", {}, t.step), node("td", {}, node("code", {}, t.tool)), node("td", {}, t.purpose),
    node("td", { class: "small" }, Object.entries(t.outputs).filter(([, v]) => typeof v !== "object").slice(0, 5).map(([k, v]) => `${k}=${v}`).join(", ")))));
  byId("trace-count").textContent = record.trace.length;
}

byId("analyze-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  byId("error").hidden = true;
  byId("status").textContent = "Analysing…";
  try {
    const payload = await body();
    const res = await fetch("/analyze", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
    const json = await res.json().catch(() => null);
    if (!res.ok) throw new Error(json && json.error ? json.error.message : `HTTP ${res.status}`);
    render(json);
    byId("status").textContent = "Done.";
  } catch (err) {
    byId("scorecard").hidden = true;
    byId("error").textContent = err.message;
    byId("error").hidden = false;
    byId("status").textContent = "";
  }
});
