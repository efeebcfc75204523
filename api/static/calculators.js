"use strict";
// The calculator workbench: one form per calculator, generated from GET /calculate (the registry's parameter specs);
// results from POST /calculate/{tool} as inputs change; power curves from POST /api/calculators/{tool}/curve.
const GROUPS = [
  ["Plan a test", ["proportions_sample_size", "means_sample_size", "test_duration", "proportions_mde", "means_mde", "proportions_power", "means_power", "anova_power", "chi_square_power", "correlation_power", "group_sequential"]],
  ["Read a result", ["two_proportion_z_test", "welch_t_test", "ci_proportion_difference", "ci_relative_lift", "ci_mean_difference", "ci_proportion", "chi_square_independence", "chi_square_goodness_of_fit"]],
  ["Checks and adjustments", ["srm_check", "multiple_testing", "cuped"]],
];
// Values to start from, so each calculator shows a worked result before anything is typed.
const EXAMPLES = {
  proportions_sample_size: { baseline: 0.1, mde: 0.1 }, proportions_power: { baseline: 0.1, mde: 0.1, n_per_group: 10000 },
  proportions_mde: { baseline: 0.1, n_per_group: 10000 }, means_sample_size: { delta: 1, sd: 10 },
  means_power: { delta: 1, sd: 10, n_per_group: 1000 }, means_mde: { sd: 10, n_per_group: 1000 },
  test_duration: { daily_traffic: 5000, baseline: 0.1, mde: 0.1 }, two_proportion_z_test: { conversions_a: 1000, n_a: 10000, conversions_b: 1100, n_b: 10000 },
  ci_proportion: { successes: 120, n: 1000 }, ci_proportion_difference: { conversions_a: 1000, n_a: 10000, conversions_b: 1100, n_b: 10000 },
  ci_relative_lift: { conversions_a: 1000, n_a: 10000, conversions_b: 1100, n_b: 10000 },
  welch_t_test: { mean_a: 10, sd_a: 4, n_a: 500, mean_b: 10.6, sd_b: 4.2, n_b: 500 },
  ci_mean_difference: { mean_a: 10, sd_a: 4, n_a: 500, mean_b: 10.6, sd_b: 4.2, n_b: 500 },
  srm_check: { counts: "50000, 48900" }, multiple_testing: { p_values: "0.01, 0.04, 0.03, 0.20" },
};
const HEADLINE = {
  proportions_sample_size: ["n_control", "users per group"], means_sample_size: ["n_group1", "per group"],
  proportions_power: ["power", "power"], means_power: ["power", "power"], test_duration: ["days", "days"],
  proportions_mde: ["mde_relative", "relative lift detectable"], means_mde: ["mde_delta", "detectable difference"],
  two_proportion_z_test: ["p_value", "p-value"], welch_t_test: ["p_value", "p-value"], srm_check: ["p_value", "p-value"],
};
let tools = {}, currentTool = null, timer = null, seq = 0;

function chooseTool(name, { push = true } = {}) {
  currentTool = tools[name];
  if (!currentTool) return;
  if (push) history.replaceState(null, "", `#${name}`);
  for (const b of document.querySelectorAll("#tool-list button")) b.setAttribute("aria-current", b.dataset.tool === name ? "true" : "false");
  $("tool-title").textContent = prettyTool(name);
  $("tool-summary").textContent = currentTool.summary;
  const form = $("params");
  form.replaceChildren();
  const example = EXAMPLES[name] || {};
  for (const p of currentTool.params) {
    let input;
    const start = example[p.name] ?? p.default;
    if (p.choices && p.choices.length) {
      input = el("select", { name: p.name }, ...(p.required ? [] : [el("option", { value: "" }, "—")]), ...p.choices.map((c) => el("option", { value: c, selected: String(start) === c }, c)));
    } else if (p.type === "bool") {
      input = el("select", { name: p.name }, el("option", { value: "" }, "—"), el("option", { value: "true", selected: start === true }, "yes"), el("option", { value: "false", selected: start === false }, "no"));
    } else if (p.type === "float" || p.type === "int") {
      input = el("input", { type: "number", name: p.name, step: "any", value: start ?? "", placeholder: p.required ? "required" : "optional" });
    } else {
      input = el("input", { type: "text", name: p.name, value: Array.isArray(start) ? start.join(", ") : (start ?? ""), placeholder: p.type === "float_list" ? "comma-separated numbers" : p.type === "str_list" ? "comma-separated names" : p.type === "table" ? "rows; cells, e.g. 10,20; 30,40" : "" });
    }
    input.dataset.type = p.type;
    form.append(el("label", { "data-param": p.name }, el("span", { class: "name" }, label(p.name), p.required ? el("span", { class: "req", title: "required" }, " *") : ""), input, el("span", { class: "help" }, p.description)));
  }
  recalc();
}

const NAMES = {
  srm_check: "Sample ratio mismatch check", cuped: "CUPED variance reduction", anova_power: "ANOVA power", msprt: "mSPRT (always-valid test)",
  two_proportion_z_test: "Two-proportion z-test", welch_t_test: "Welch's t-test", chi_square_power: "Chi-square power",
  chi_square_independence: "Chi-square test of independence", chi_square_goodness_of_fit: "Chi-square goodness of fit",
  bayesian_ab: "Bayesian A/B (conversions)", bayesian_ab_means: "Bayesian A/B (means)", dunnett: "Dunnett's test",
  proportions_mde: "Proportions: minimum detectable effect", means_mde: "Means: minimum detectable effect",
  proportions_sample_size: "Proportions: sample size", means_sample_size: "Means: sample size",
  proportions_power: "Proportions: power", means_power: "Means: power",
};
function prettyTool(name) { if (NAMES[name]) return NAMES[name]; return name.replace(/_/g, " ").replace(/\bci\b/, "Confidence interval:").replace(/\bmde\b/, "minimum detectable effect").replace(/^./, (c) => c.toUpperCase()); }

function parseValue(type, raw) {
  if (raw === "") return undefined;
  if (type === "float" || type === "int") return Number(raw);
  if (type === "bool") return raw === "true";
  if (type === "float_list") return raw.split(/[,\s;]+/).filter(Boolean).map(Number);
  if (type === "str_list") return raw.split(",").map((name) => name.trim()).filter(Boolean);
  if (type === "table") return raw.split(";").map((row) => row.split(/[,\s]+/).filter(Boolean).map(Number));
  return raw;
}

function formParams() {
  const out = {};
  for (const input of $("params").querySelectorAll("input, select")) {
    const v = parseValue(input.dataset.type, input.value.trim());
    if (v !== undefined) out[input.name] = v;
  }
  return out;
}

function recalc() {
  clearTimeout(timer);
  timer = setTimeout(run, 180);
}

async function run() {
  const tool = currentTool.name, params = formParams(), mine = ++seq;
  for (const l of $("params").querySelectorAll("label")) l.classList.remove("invalid");
  try {
    const result = await postJSON(`/calculate/${tool}`, params);
    if (mine !== seq) return;
    $("calc-error").hidden = true;
    renderResult(result);
    const box = $("curves");
    if (/^(proportions|means)_(sample_size|power|mde)$/.test(tool)) {
      const curve = await postJSON(`/api/calculators/${tool}/curve`, params);
      if (mine === seq) box.replaceChildren(curveCharts(curve));
    } else box.replaceChildren();
  } catch (err) {
    if (mine !== seq) return;
    $("calc-error").hidden = false;
    $("calc-error").textContent = err.field ? `${label(err.field)}: ${err.message}` : err.message;
    const bad = err.field && $("params").querySelector(`label[data-param="${err.field}"]`);
    if (bad) bad.classList.add("invalid");
    $("calc-result").hidden = true;
  }
}

function headlineFor(r) {
  const [key, unit] = HEADLINE[r.tool] || [Object.keys(r.outputs)[0], label(Object.keys(r.outputs)[0] || "")];
  const v = r.outputs[key], rounded = (r.outputs_rounded || {})[key];
  if (v === undefined) return el("div");
  let shown;
  if (key === "power" || key === "mde_relative") shown = `${(v * 100).toFixed(1)}%`;
  else shown = fmt(rounded ?? v, key);
  return el("div", { class: "headline" }, el("span", { title: `exact: ${v}`, "data-exact": String(v) }, shown), " ", el("span", { class: "unit" }, unit));
}

function renderResult(r) {
  $("calc-result").hidden = false;
  $("headline").replaceChildren(headlineFor(r));
  $("method").textContent = r.method;
  $("formula").textContent = r.formula || "";
  $("formula").hidden = !r.formula;
  $("assumptions").replaceChildren(...(r.assumptions || []).concat(r.notes || []).map((a) => el("li", {}, a)));
  $("assumptions-box").hidden = !((r.assumptions || []).length + (r.notes || []).length);
  const alts = r.alternatives || [];
  $("alternatives-box").hidden = alts.length < 2;
  if (alts.length) {
    const keys = Object.keys(alts[0].outputs);
    const table = $("alternatives");
    table.replaceChildren(el("tr", {}, el("th", {}, "Method"), ...keys.map((k) => el("th", { class: "num" }, label(k)))));
    for (const a of alts) {
      table.append(el("tr", { class: a.method === r.method ? "chosen" : "", title: a.formula || "" }, el("td", {}, a.method, a.method === r.method ? el("span", { class: "muted small" }, " (shown above)") : ""),
        ...keys.map((k) => valueCell(a.outputs[k], k, (a.outputs_rounded || {})[k]))));
    }
  }
  const rounded = r.outputs_rounded || {};
  $("outputs").replaceChildren(...Object.entries(r.outputs).map(([k, v]) => el("tr", {}, el("th", {}, label(k)), valueCell(v, k, rounded[k]))));
  $("library").textContent = r.library ? `Computed with ${r.library}.` : "";
}

async function init() {
  const body = await getJSON("/calculate");
  for (const t of body.tools) tools[t.name] = t;
  const list = $("tool-list");
  const listed = new Set();
  for (const [group, names] of GROUPS) {
    list.append(el("li", { class: "group" }, group));
    for (const n of names) if (tools[n]) { listed.add(n); list.append(el("li", {}, el("button", { type: "button", "data-tool": n, onclick: () => chooseTool(n) }, prettyTool(n)))); }
  }
  const rest = Object.keys(tools).filter((n) => !listed.has(n)).sort();
  if (rest.length) {
    list.append(el("li", { class: "group" }, "More"));
    for (const n of rest) list.append(el("li", {}, el("button", { type: "button", "data-tool": n, onclick: () => chooseTool(n) }, prettyTool(n))));
  }
  $("params").addEventListener("input", recalc);
  $("params").addEventListener("change", recalc);
  const wanted = location.hash.slice(1);
  chooseTool(tools[wanted] ? wanted : "proportions_sample_size", { push: false });
}

init().catch((err) => { $("calc-error").hidden = false; $("calc-error").textContent = err.message; });
