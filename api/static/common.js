"use strict";
// Shared by every page: DOM helpers, number formatting (rounded, exact on hover), JSON fetch with the API's error
// shape, and an inline-SVG line chart. No external resources.
const $ = (id) => document.getElementById(id);
const SVG_NS = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== "") node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

async function getJSON(url, options = {}) {
  const res = await fetch(url, options);
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  if (!res.ok) {
    const err = new Error(body && body.error ? body.error.message : `${res.status} ${res.statusText}`);
    err.field = body && body.error ? body.error.field : undefined;
    err.status = res.status;
    throw err;
  }
  return body;
}

const postJSON = (url, data) => getJSON(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) });

// Sample sizes are whole units, rounded up (as the calculators and answers do); other numbers to 4 significant digits.
const COUNT_KEY = /^(n|n_.*|.*_n|sample_size.*|days|weeks|users.*|.*_users|.*count.*)$/;

function round(key, v) {
  if (typeof v !== "number" || !isFinite(v)) return v;
  if (COUNT_KEY.test(key || "") && !Number.isInteger(v)) return Math.ceil(v - 1e-9);
  if (Number.isInteger(v)) return v;
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v);
  return +v.toPrecision(4);
}

function fmtNumber(v) {
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  if (Math.abs(v) >= 1000) return v.toLocaleString("en-US", { maximumFractionDigits: 1 });
  return String(v);
}

function fmt(v, key) {
  if (typeof v === "number") return fmtNumber(round(key, v));
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (Array.isArray(v)) return v.map((x) => fmt(x, key)).join(", ");
  if (v && typeof v === "object") return JSON.stringify(v);
  return v === null || v === undefined ? "—" : String(v);
}

// A value cell: the rounded figure, the exact one in the tooltip (and data-exact for tests and copy).
function valueCell(value, key, rounded) {
  const shown = rounded !== undefined && rounded !== null ? fmt(rounded, key) : fmt(value, key);
  const exact = typeof value === "number" ? String(value) : null;
  const attrs = { class: "num" };
  if (exact !== null && exact !== shown.replace(/,/g, "")) { attrs.title = `exact: ${exact}`; attrs["data-exact"] = exact; }
  return el("td", attrs, shown);
}

const LABELS = {
  baseline: "Baseline conversion rate", p1: "Control rate", p2: "Treatment rate", mde: "Minimum detectable effect",
  mde_type: "Effect is", mde_relative: "Relative lift", mde_absolute: "Absolute lift", power: "Power",
  power_target: "Target power", alpha: "Significance level (α)", per_comparison_alpha: "α per comparison",
  alternative: "Test", ratio: "Allocation ratio", variants: "Variants", correction: "Multiple-comparison correction",
  method: "Method", n_control: "Users in control", n_per_variant: "Users per variant", n_total: "Users in total",
  n_per_group: "Users per group", n_group1: "Group 1 size", n_group2: "Group 2 size", delta: "Difference to detect",
  sd: "Standard deviation", cohens_d: "Cohen's d", mde_delta: "Detectable difference", mde_cohens_d: "Detectable d",
  daily_traffic: "Daily traffic", days: "Days", weeks: "Weeks", confidence: "Confidence level", p_value: "p-value",
  z: "z statistic", t: "t statistic", ci_low: "CI lower", ci_high: "CI upper", difference: "Difference",
  lift: "Relative lift", significant: "Significant", conversions_a: "Conversions A", conversions_b: "Conversions B",
  n_a: "Users A", n_b: "Users B", p_a: "Rate A", p_b: "Rate B", design: "Design", exposed_share: "Share exposed",
};
const label = (key) => LABELS[key] || key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

// ---------------------------------------------------------------- line chart (inline SVG, no library, no network)
function niceTicks(lo, hi, count = 5) {
  const span = hi - lo || 1, step0 = span / count, mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function shortNumber(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a >= 1000) return Math.round(v).toLocaleString("en-US");
  return String(+v.toPrecision(3));
}

// series: {title, x_label, y_label, points:[{x,y}], marked:{x,y}}; yFormat/xFormat optional.
function lineChart(series, { yFormat = shortNumber, xFormat = shortNumber, markLabel = null } = {}) {
  const W = 520, H = 300, L = 62, R = 18, T = 16, B = 44;
  const pts = series.points || [];
  const box = el("figure", { class: "chart", "data-series": series.id || "" });
  box.append(el("h3", {}, series.title || ""));
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": series.title || "chart" });
  if (!pts.length) { chart.append(svg("text", { x: L, y: H / 2 }, "No points for these inputs.")); box.append(chart); return box; }
  const xs = pts.map((p) => p.x), ys = pts.map((p) => p.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  let y0 = Math.min(0, ...ys), y1 = Math.max(...ys);
  if (series.y_label === "power") { y0 = 0; y1 = 1; }
  const sx = (x) => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R);
  const sy = (y) => T + (1 - (y - y0) / (y1 - y0 || 1)) * (H - T - B);
  const grid = svg("g", { class: "grid" }), axis = svg("g", { class: "axis" });
  for (const t of niceTicks(y0, y1)) {
    grid.append(svg("line", { x1: L, x2: W - R, y1: sy(t), y2: sy(t) }));
    axis.append(svg("text", { x: L - 6, y: sy(t) + 4, "text-anchor": "end" }, yFormat(t)));
  }
  for (const t of niceTicks(x0, x1, 6)) {
    grid.append(svg("line", { x1: sx(t), x2: sx(t), y1: T, y2: H - B }));
    axis.append(svg("text", { x: sx(t), y: H - B + 16, "text-anchor": "middle" }, xFormat(t)));
  }
  axis.append(svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle" }, series.x_label || ""));
  axis.append(svg("text", { x: 14, y: (T + H - B) / 2, "text-anchor": "middle", transform: `rotate(-90 14 ${(T + H - B) / 2})` }, series.y_label || ""));
  const d = pts.map((p, i) => `${i ? "L" : "M"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ");
  const curve = svg("path", { class: "curve", d });
  chart.append(grid, axis, curve);
  const m = series.marked;
  if (m && isFinite(m.x) && isFinite(m.y) && m.x >= x0 && m.x <= x1) {
    const mx = sx(m.x), my = sy(Math.min(Math.max(m.y, y0), y1));
    chart.append(svg("line", { class: "guide", x1: mx, x2: mx, y1: my, y2: H - B }), svg("line", { class: "guide", x1: L, x2: mx, y1: my, y2: my }));
    const dot = svg("circle", { class: "marker", cx: mx, cy: my, r: 6 });
    dot.append(svg("title", {}, markLabel || `chosen design: ${xFormat(m.x)}, ${yFormat(m.y)}`));
    const text = markLabel || `${xFormat(m.x)} → ${yFormat(m.y)}`;
    const right = mx < W - 170;
    chart.append(dot, svg("text", { class: "marker-label", x: right ? mx + 10 : mx - 10, y: my - 10, "text-anchor": right ? "start" : "end" }, text));
  }
  // hover readout
  const hover = svg("g", { visibility: "hidden" });
  const hDot = svg("circle", { r: 4, fill: "#2457d6" }), hText = svg("text", { class: "marker-label", fill: "#1d2330" });
  hover.append(hDot, hText); chart.append(hover);
  chart.addEventListener("mousemove", (e) => {
    const rect = chart.getBoundingClientRect(), x = ((e.clientX - rect.left) / rect.width) * W;
    let best = pts[0];
    for (const p of pts) if (Math.abs(sx(p.x) - x) < Math.abs(sx(best.x) - x)) best = p;
    hDot.setAttribute("cx", sx(best.x)); hDot.setAttribute("cy", sy(best.y));
    hText.setAttribute("x", Math.min(sx(best.x) + 8, W - 130)); hText.setAttribute("y", sy(best.y) + 18);
    hText.textContent = `${xFormat(best.x)}: ${yFormat(best.y)}`;
    hover.setAttribute("visibility", "visible");
  });
  chart.addEventListener("mouseleave", () => hover.setAttribute("visibility", "hidden"));
  box.append(chart);
  return box;
}

const percent = (v) => `${Math.round(v * 100)}%`;

// Both curves of a /api/calculators/{tool}/curve response.
function curveCharts(curve) {
  const wrap = el("div", { class: "charts" });
  for (const s of curve.series || []) {
    if (s.id === "power_vs_n") wrap.append(lineChart(s, { yFormat: percent, markLabel: `${fmtNumber(Math.ceil(s.marked.x - 1e-9))} per group → ${percent(s.marked.y)} power` }));
    else {
      const pct = /%/.test(s.x_label || "");
      const xf = pct ? (v) => `${+v.toPrecision(3)}%` : shortNumber;
      wrap.append(lineChart(s, { xFormat: xf, markLabel: `${xf(s.marked.x)} → ${fmtNumber(Math.ceil(s.marked.y - 1e-9))} per group` }));
    }
  }
  return wrap;
}
