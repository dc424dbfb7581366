// The occbench run viewer. The run is embedded in this page: #meta is
// plain JSON, #index and #chunk-N are gzip-compressed, base64-encoded JSON
// (package reports/viewer writes them). Everything is rendered from the
// location's hash, so every view has a link that can be shared:
//   #                       overview: protocol, Table 2, McNemar matrix, charts
//   #users&right=a&wrong=b  the user list, filtered
//   #user=u0001&system=b    one user, with system b's card in focus
"use strict";

const META = JSON.parse(document.getElementById("meta").textContent);
const STATUS = {
  E: ["✓", "exact match"],
  R: ["≈", "a related occupation"],
  W: ["✗", "wrong"],
  F: ["!", "failed (counts as wrong)"],
  M: ["–", "no prediction (counts as wrong)"],
};
const DIMS = ["factuality", "coherence", "utility"];
const PAGE = 100; // users per page of the list

let INDEX = null; // the decoded #index
let OCC_TEXT = null; // lower-case "code title" of each occupation, for search
const chunks = new Map(); // chunk number → promise of its users
let lastList = null; // the user indices of the last list shown, for previous/next
let lastListHash = "#users";

// h builds an element: h("a", {href: "#"}, "text", child…). Text is
// always set as text, never parsed as HTML.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function base64Bytes(s) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(s);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function unpack(id) {
  const text = document.getElementById(id).textContent.trim();
  const stream = new Blob([base64Bytes(text)]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}

function chunk(n) {
  if (!chunks.has(n)) chunks.set(n, unpack("chunk-" + n));
  return chunks.get(n);
}

async function userDetail(i) {
  const users = await chunk(Math.floor(i / META.chunk));
  return users[i % META.chunk];
}

const pct = (x) => (100 * x).toFixed(1) + "%";
const occCode = (o) => (o >= 0 ? INDEX.occ[o][0] : "");
const occTitle = (o) => (o >= 0 ? INDEX.occ[o][1] : "");

function occ(o) {
  if (o < 0) return h("span", { class: "muted" }, "none");
  return h("span", {}, h("span", { class: "code" }, occCode(o)), " ", occTitle(o));
}

function mark(st) {
  const [sym, words] = STATUS[st];
  return h("span", { class: "mark-" + st, title: words }, sym);
}

function systemIndex(name) {
  return META.systems.findIndex((s) => s.name === name);
}

// params reads "#view&k=v&k=v" into a Map; view is the bare first word.
function params() {
  const raw = location.hash.replace(/^#/, "");
  const out = new Map();
  raw.split("&").forEach((part, i) => {
    if (!part) return;
    const eq = part.indexOf("=");
    if (eq < 0) {
      if (i === 0) out.set("view", decodeURIComponent(part));
      else out.set(decodeURIComponent(part), "1");
      return;
    }
    out.set(decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1)));
  });
  if (out.has("user")) out.set("view", "user");
  if (!out.has("view")) out.set("view", "overview");
  return out;
}

// hashOf is the link of a view: "#users&right=a", "#user=u1&system=b" (a
// user page needs no view word).
function hashOf(view, p) {
  const parts = view === "user" ? [] : [view];
  for (const [k, v] of p) {
    if (k === "view" || v === "" || v === undefined || v === null) continue;
    parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(v).replace(/%2C/g, ","));
  }
  return "#" + parts.join("&");
}

// ---- tables --------------------------------------------------------------

// sortKey reads the number a cell starts with ("41.9 [38.8, 45.0]" → 41.9);
// a cell without one sorts after every number, by its text.
function sortKey(text) {
  const m = /^[+−-]?\d+(?:[.,]\d+)*(?:e[+-]?\d+)?/i.exec(text.replace(/^[^\d+−-]*/, "").trim());
  if (!m) return null;
  return parseFloat(m[0].replace(/,/g, "").replace("−", "-"));
}

function renderTable(t, opts) {
  opts = opts || {};
  const cols = [];
  if (t.group) cols.push({ name: t.group, right: false, group: true });
  t.columns.forEach((c) => cols.push(c));
  // Fill the group forward, so that sorted rows keep their group.
  let group = "";
  const rows = t.rows.map((r, i) => {
    if (r.group) group = r.group;
    return { i, group, cells: r.cells };
  });
  const table = h("table", { class: "report-table", id: opts.id || null, "data-table": t.id });
  const thead = h("thead");
  const tbody = h("tbody");
  let sortCol = -1, dir = 1;
  const cellText = (r, c) => (t.group ? (c === 0 ? r.group : r.cells[c - 1]) : r.cells[c]);
  function draw() {
    tbody.replaceChildren();
    const sorted = rows.slice();
    if (sortCol >= 0) {
      sorted.sort((a, b) => {
        const x = cellText(a, sortCol), y = cellText(b, sortCol);
        const kx = sortKey(x), ky = sortKey(y);
        if (kx !== null && ky !== null && kx !== ky) return dir * (kx - ky);
        if (kx !== null && ky === null) return -1;
        if (kx === null && ky !== null) return 1;
        return dir * x.localeCompare(y) || a.i - b.i;
      });
    }
    let prevGroup = null;
    for (const r of sorted) {
      const tr = h("tr", { "data-row": r.i });
      cols.forEach((c, ci) => {
        let text = cellText(r, ci);
        if (c.group && sortCol < 0 && r.group === prevGroup) text = "";
        tr.append(h("td", { class: c.right ? "num" : null }, text));
      });
      prevGroup = r.group;
      tbody.append(tr);
    }
    thead.querySelectorAll("th").forEach((th, ci) => {
      th.classList.toggle("sorted-asc", ci === sortCol && dir === 1);
      th.classList.toggle("sorted-desc", ci === sortCol && dir === -1);
    });
  }
  const tr = h("tr");
  cols.forEach((c, ci) => {
    tr.append(h("th", {
      class: "sortable" + (c.right ? " num" : ""), title: "sort by " + c.name,
      onclick: () => {
        if (sortCol === ci) dir = -dir;
        else { sortCol = ci; dir = c.right ? -1 : 1; }
        draw();
      },
    }, c.name));
  });
  thead.append(tr);
  table.append(thead, tbody);
  draw();
  const out = h("section", { class: "table-block" }, h("h3", {}, t.title), table);
  (t.notes || []).forEach((n) => out.append(h("p", { class: "note" }, n)));
  return out;
}

// ---- overview ------------------------------------------------------------

function facts(pairs) {
  const dl = h("dl", { class: "facts" });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === "") continue;
    dl.append(h("dt", {}, k), h("dd", {}, v));
  }
  return dl;
}

function renderManifest() {
  const m = META.manifest || {};
  const p = m.protocol || {};
  const ds = m.datasets || {};
  const set = (d) => (d ? `${d.path} (${d.users ? d.users.toLocaleString("en") + " users, " : ""}sha256 ${String(d.sha256).slice(0, 12)})` : "");
  const sec = h("section", { id: "manifest" }, h("h2", {}, "Run"));
  sec.append(facts([
    ["suite", m.suite],
    ["test set", set(ds.test)],
    ["training set", set(ds.train)],
    ["users scored", p.test_users ? p.test_users.toLocaleString("en") + (m.limit ? ` (--limit ${m.limit})` : "") : ""],
    ["exact match", p.em === "code" ? "O*NET codes (the answer mapped onto the taxonomy)" : p.em],
    ["related match", p.related ? `reciprocal rank over the true occupation and ${p.related} O*NET related occupations` : ""],
    ["ranking", p.ranking],
    ["bootstrap", p.bootstrap ? `95% percentile intervals, ${p.bootstrap.toLocaleString("en")} resamples` : ""],
    ["seed", m.seed],
    ["started", m.started], ["finished", m.finished || "not finished"],
    ["occbench", [m.occbench, m.go, m.platform].filter(Boolean).join(", ")],
    ["judge records", (META.judge.files || []).join(", ") || "none (occbench judge -o RUN_DIR/judge-NAME.jsonl adds them)"],
  ]));
  const runners = h("table", {}, h("tr", {}, ["runner", "name", "kind", "category"].map((x) => h("th", {}, x)),
    ["EM", "failed", "missing", "reasons judged"].map((x) => h("th", { class: "num" }, x))));
  META.systems.forEach((s) => {
    runners.append(h("tr", {},
      h("td", {}, h("a", { href: hashOf("users", new Map([["right", s.name]])), title: "the users it got right" }, s.display),
        s.name === META.reference ? " (Table 2's reference)" : ""),
      h("td", { class: "code" }, s.name),
      h("td", {}, s.kind + (s.mode ? " (" + s.mode + ")" : "")), h("td", {}, s.category),
      h("td", { class: "num" }, pct(s.em)), h("td", { class: "num" }, s.failed), h("td", { class: "num" }, s.missing),
      h("td", { class: "num" }, s.judged)));
  });
  sec.append(runners);
  if (META.judge.stale) {
    sec.append(h("p", { class: "warning" }, `${META.judge.stale} judge records are of an earlier text of their reason and are not shown; run occbench judge again to score the current text.`));
  }
  if (m.skipped) {
    for (const [name, why] of Object.entries(m.skipped)) sec.append(h("p", { class: "warning" }, `skipped ${name}: ${why}`));
  }
  (META.warnings || []).forEach((w) => sec.append(h("p", { class: "warning" }, w)));
  sec.append(h("details", {}, h("summary", {}, "manifest.json"), h("pre", {}, JSON.stringify(m, null, 2))));
  return sec;
}

// renderMcNemar draws the systems × systems matrix: the cell in row A and
// column B counts the users only A got right, and links to them.
function renderMcNemar() {
  const ss = META.systems;
  const sec = h("section", { id: "mcnemar" }, h("h2", {}, "McNemar's test, every pair"));
  if (ss.length < 2) return sec;
  const byPair = new Map();
  META.pairs.forEach((p) => {
    byPair.set(p.a + "\u0000" + p.b, { only: p.only_a, other: p.only_b, p });
    byPair.set(p.b + "\u0000" + p.a, { only: p.only_b, other: p.only_a, p });
  });
  const t = h("table", { class: "mcnemar" });
  t.append(h("tr", {}, h("th", {}, "only the row system right ↓ / column →"), ss.map((s) => h("th", { class: "num" }, s.display))));
  ss.forEach((a) => {
    const tr = h("tr", {}, h("th", {}, a.display));
    ss.forEach((b) => {
      if (a === b) { tr.append(h("td", { class: "diag" }, "·")); return; }
      const c = byPair.get(a.name + "\u0000" + b.name);
      const better = c.p.sig && c.only > c.other;
      const title = `${c.only} users only ${a.display} got right, ${c.other} only ${b.display}; p = ${c.p.p.toPrecision(3)}, adjusted ${c.p.p_adj.toPrecision(3)}${c.p.sig ? " (significant)" : ""}`;
      const href = hashOf("users", new Map([["right", a.name], ["wrong", b.name]]));
      tr.append(h("td", { class: "num" + (better ? " sig" : ""), title, "data-a": a.name, "data-b": b.name },
        h("a", { href }, String(c.only))));
    });
    t.append(tr);
  });
  sec.append(t);
  sec.append(h("p", { class: "note" }, "A cell counts the users its row's system predicted exactly and its column's system did not (a failed or missing prediction counts as wrong); click it for the users. Bold: the row system is significantly better. " + (META.family || "")));
  return sec;
}

function renderOverview() {
  const app = h("div");
  app.append(h("h1", {}, "Run " + META.run));
  const t2 = META.tables.find((t) => t.id === "table2");
  if (t2) {
    app.append(h("h2", {}, "Accuracy"));
    app.append(renderTable(t2, { id: "table2" }));
  }
  app.append(renderMcNemar());
  if (META.charts.length) {
    const sec = h("section", { id: "charts" }, h("h2", {}, "Charts"));
    META.charts.forEach((c) => {
      const fig = h("figure", { id: "chart-" + c.name });
      fig.innerHTML = c.svg; // drawn by occbench report, with its text escaped
      fig.append(h("figcaption", { class: "muted" }, c.title));
      sec.append(fig);
    });
    app.append(sec);
  }
  const others = META.tables.filter((t) => t.id !== "table2");
  if (others.length) {
    const sec = h("section", { id: "tables" }, h("h2", {}, "Every table of the report"));
    others.forEach((t) => sec.append(h("details", { "data-table": t.id }, h("summary", {}, t.title), renderTable(t))));
    app.append(sec);
  }
  app.append(renderManifest());
  return app;
}

// ---- the user list -------------------------------------------------------

function names(v) {
  return v ? v.split(",").map((n) => systemIndex(n)).filter((i) => i >= 0) : [];
}

// filter returns the users that pass the filters of p, in test order.
function filter(p) {
  const right = names(p.get("right")), wrong = names(p.get("wrong"));
  const focus = p.has("sys") ? [systemIndex(p.get("sys"))].filter((i) => i >= 0) : META.systems.map((_, i) => i);
  const mapping = p.has("map") ? META.mappings.indexOf(p.get("map")) : -2;
  const score = p.has("score") ? Math.round(parseFloat(p.get("score")) * 1000) : NaN;
  const judge = p.has("judge") ? parseInt(p.get("judge"), 10) : NaN;
  const errors = p.get("errors") === "1", disagree = p.get("disagree") === "1";
  const q = (p.get("q") || "").trim().toLowerCase();
  let occHit = null;
  if (q) occHit = OCC_TEXT.map((t) => t.includes(q));
  const S = INDEX.sys, out = [];
  const hitOcc = (o) => o >= 0 && occHit[o];
  for (let i = 0; i < INDEX.id.length; i++) {
    if (right.some((s) => S[s].st[i] !== "E")) continue;
    if (wrong.some((s) => S[s].st[i] === "E")) continue;
    if (disagree) {
      let r = 0;
      for (const s of S) if (s.st[i] === "E") r++;
      if (r === 0 || r === S.length) continue;
    }
    if (mapping !== -2 && !focus.some((s) => S[s].map[i] === mapping)) continue;
    if (!isNaN(score) && !focus.some((s) => S[s].score[i] >= 0 && S[s].score[i] < score)) continue;
    if (errors && !focus.some((s) => S[s].st[i] === "F")) continue;
    if (!isNaN(judge) && !focus.some((s) => S[s].judge[i] > 0 && S[s].judge[i] < judge)) continue;
    if (q && !(INDEX.id[i].toLowerCase().includes(q) || hitOcc(INDEX.target[i]) || INDEX.hist[i].some(hitOcc) || S.some((s) => hitOcc(s.pred[i])))) continue;
    out.push(i);
  }
  return out;
}

// describe says in words what the filters of p select.
function describe(p) {
  const disp = (n) => (META.systems[systemIndex(n)] || { display: n }).display;
  const parts = [];
  const right = (p.get("right") || "").split(",").filter(Boolean), wrong = (p.get("wrong") || "").split(",").filter(Boolean);
  if (right.length) parts.push("right by " + right.map(disp).join(" and "));
  if (wrong.length) parts.push("wrong by " + wrong.map(disp).join(" and "));
  if (p.get("disagree") === "1") parts.push("on which the systems disagree");
  const on = p.has("sys") ? " by " + disp(p.get("sys")) : " by any system";
  if (p.has("map")) parts.push(`answers mapped "${p.get("map")}"` + on);
  if (p.has("score")) parts.push(`classifier score below ${p.get("score")}` + on);
  if (p.get("errors") === "1") parts.push("failed predictions" + on);
  if (p.has("judge")) parts.push(`a judge score below ${p.get("judge")}` + on);
  if (p.get("q")) parts.push(`matching "${p.get("q")}"`);
  return parts.length ? "Users " + parts.join("; ") : "All users";
}

function select(name, value, options, onchange) {
  const el = h("select", { name, onchange });
  options.forEach(([v, label]) => el.append(h("option", { value: v, selected: v === value }, label)));
  return el;
}

function filterForm(p) {
  const set = (k, v) => {
    const q = params();
    q.set(k, v);
    q.delete("page");
    location.hash = hashOf("users", q);
  };
  const form = h("form", { class: "filters", id: "filters", onsubmit: (e) => e.preventDefault() });
  const search = h("input", { type: "search", name: "q", value: p.get("q") || "", placeholder: "user id, occupation title or code" });
  let timer = 0;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => set("q", search.value), 200);
  });
  form.append(h("label", {}, "search", search));
  const right = new Set((p.get("right") || "").split(",")), wrong = new Set((p.get("wrong") || "").split(","));
  const per = h("fieldset", { class: "per-system" }, h("legend", {}, "exact match per system"));
  META.systems.forEach((s) => {
    const v = right.has(s.name) ? "right" : wrong.has(s.name) ? "wrong" : "";
    per.append(h("label", {}, s.display, select("st-" + s.name, v, [["", "any"], ["right", "right"], ["wrong", "wrong"]], (e) => {
      const q = params();
      const r = new Set((q.get("right") || "").split(",").filter(Boolean)), w = new Set((q.get("wrong") || "").split(",").filter(Boolean));
      r.delete(s.name); w.delete(s.name);
      if (e.target.value === "right") r.add(s.name);
      if (e.target.value === "wrong") w.add(s.name);
      q.set("right", [...r].join(",")); q.set("wrong", [...w].join(","));
      q.delete("page");
      location.hash = hashOf("users", q);
    })));
  });
  form.append(per);
  form.append(h("label", { class: "check" }, h("input", { type: "checkbox", name: "disagree", checked: p.get("disagree") === "1", onchange: (e) => set("disagree", e.target.checked ? "1" : "") }), "systems disagree"));
  form.append(h("label", {}, "of system", select("sys", p.get("sys") || "", [["", "any system"], ...META.systems.map((s) => [s.name, s.display])], (e) => set("sys", e.target.value))));
  form.append(h("label", {}, "mapping", select("map", p.get("map") || "", [["", "any"], ...META.mappings.map((m) => [m, m])], (e) => set("map", e.target.value))));
  form.append(h("label", {}, "classifier score below", h("input", { type: "number", name: "score", min: 0, max: 1, step: 0.05, value: p.get("score") || "", onchange: (e) => set("score", e.target.value) })));
  form.append(h("label", { class: "check" }, h("input", { type: "checkbox", name: "errors", checked: p.get("errors") === "1", onchange: (e) => set("errors", e.target.checked ? "1" : "") }), "failed only"));
  form.append(h("label", {}, "a judge score below", select("judge", p.get("judge") || "", [["", "any"], ["2", "2"], ["3", "3"], ["4", "4"], ["5", "5"]], (e) => set("judge", e.target.value))));
  form.append(h("a", { href: "#users" }, "clear"));
  return form;
}

function renderUsers(p) {
  const list = filter(p);
  lastList = list;
  lastListHash = location.hash || "#users";
  const pages = Math.max(1, Math.ceil(list.length / PAGE));
  const page = Math.min(pages, Math.max(1, parseInt(p.get("page") || "1", 10) || 1));
  const app = h("div");
  app.append(h("h1", {}, "Users"));
  app.append(filterForm(p));
  app.append(h("p", { id: "list-summary" }, `${describe(p)}: `, h("strong", { id: "list-count" }, list.length.toLocaleString("en")), ` of ${INDEX.id.length.toLocaleString("en")}.`));
  const pager = () => {
    const go = (n) => { const q = params(); q.set("page", String(n)); return hashOf("users", q); };
    return h("div", { class: "pager" },
      page > 1 ? h("a", { href: go(page - 1) }, "← previous") : h("span", { class: "muted" }, "← previous"),
      `page ${page} of ${pages}`,
      page < pages ? h("a", { href: go(page + 1) }, "next →") : h("span", { class: "muted" }, "next →"));
  };
  const t = h("table", { id: "user-list" });
  t.append(h("tr", {}, h("th", {}, "user"), h("th", {}, "true next occupation"), META.systems.map((s) => h("th", { title: s.name }, s.display))));
  for (const i of list.slice((page - 1) * PAGE, page * PAGE)) {
    const id = INDEX.id[i];
    t.append(h("tr", { "data-user": id },
      h("td", {}, h("a", { href: hashOf("user", new Map([["user", id]])) }, id)),
      h("td", {}, occ(INDEX.target[i])),
      INDEX.sys.map((s, k) => h("td", { title: occTitle(s.pred[i]) || STATUS[s.st[i]][1] },
        h("a", { href: hashOf("user", new Map([["user", id], ["system", META.systems[k].name]])), class: "mark-" + s.st[i] }, STATUS[s.st[i]][0])))));
  }
  if (pages > 1) app.append(pager());
  app.append(t);
  if (pages > 1) app.append(pager());
  app.append(h("p", { class: "note" }, "✓ exact match · ≈ a related occupation · ✗ wrong · ! failed · – no prediction. A failed or missing prediction counts as wrong."));
  return app;
}

// ---- one user ------------------------------------------------------------

function when(r) {
  if (r.start || r.end) return (r.start || "?").slice(0, 7) + " – " + (r.end || "").slice(0, 7);
  return r.grad ? String(r.grad) : "";
}

function timeline(d, i) {
  const ol = h("ol", { class: "timeline" });
  d.history.forEach((r) => {
    if (r.kind === "education") {
      ol.append(h("li", { class: "education" }, h("span", { class: "when" }, when(r)),
        h("strong", {}, [r.degree, r.major].filter(Boolean).join(", ") || "education"),
        r.school ? " · " + r.school : "", r.grad ? ` (graduated ${r.grad})` : ""));
      return;
    }
    ol.append(h("li", { class: "job" }, h("span", { class: "when" }, when(r)),
      h("strong", {}, r.title || occTitle(r.occ) || "job"),
      r.industry ? " · " + r.industry : "", h("br"), occ(r.occ),
      r.method ? h("span", { class: "muted" }, ` (${r.method}${r.score ? ", score " + r.score.toFixed(2) : ""})`) : ""));
  });
  ol.append(h("li", { class: "target" }, h("span", { class: "when" }, "next"), h("strong", {}, "true next occupation: "), occ(INDEX.target[i])));
  return ol;
}

function judgeTable(j) {
  const t = h("table", { class: "judge" }, h("tr", {}, h("th", {}, "judge"), h("th", { class: "num" }, "score"), h("th", {}, "justification")));
  j.dims.forEach((d, k) => {
    t.append(h("tr", {}, h("td", {}, DIMS[k]),
      h("td", { class: "num" + (d.score < META.judge.threshold ? " low" : "") }, d.score || "–"),
      h("td", {}, d.error ? "error: " + d.error : d.why || "")));
  });
  return h("div", {}, t, h("p", { class: "note" }, j.pass ? `Passes: every score at least ${META.judge.threshold}.` : `Does not pass: a score below ${META.judge.threshold}.`));
}

function card(s, k, p, i, d, focus) {
  const st = INDEX.sys[k].st[i];
  const c = h("section", { class: "card" + (focus ? " focus" : ""), id: "sys-" + s.name, "data-system": s.name });
  c.append(h("h3", {}, h("a", { href: hashOf("user", new Map([["user", INDEX.id[i]], ["system", s.name]])) }, s.display),
    h("span", { class: "badge mark-" + st }, STATUS[st][0] + " " + STATUS[st][1])));
  if (!p) {
    c.append(h("p", { class: "muted" }, "No prediction recorded for this user."));
    return c;
  }
  if (p.error) c.append(h("p", { class: "warning" }, "error: " + p.error));
  const related = d.related.indexOf(p.occ);
  c.append(facts([
    ["answer", p.answer],
    ["occupation", p.occ >= 0 ? occ(p.occ) : ""],
    ["mapping", p.mapping ? p.mapping + (p.score ? `, classifier score ${p.score.toFixed(3)}` : "") : ""],
    ["parsed from", p.parse],
    ["RM", p.rm ? p.rm.toFixed(3) + (related >= 0 ? ` (related occupation ${related + 1})` : "") : "0"],
    ["tokens", p.pt || p.ct ? `${p.pt || 0} prompt, ${p.ct || 0} completion${p.rt ? `, ${p.rt} reasoning` : ""}` : ""],
    ["latency", p.ms ? (p.ms >= 1000 ? (p.ms / 1000).toFixed(2) + " s" : p.ms.toFixed(1) + " ms") : ""],
  ]));
  if (p.ranked && p.ranked.length) {
    const t = h("table", { class: "ranked" }, h("tr", {}, h("th", { class: "num" }, "#"), h("th", {}, "occupation"), h("th", { class: "num" }, "score"), h("th", {}, "")));
    p.ranked.forEach((o, r) => {
      const note = o === INDEX.target[i] ? h("span", { class: "mark-E" }, "true") : d.related.includes(o) ? h("span", { class: "mark-R" }, "related") : "";
      t.append(h("tr", {}, h("td", { class: "num" }, r + 1), h("td", {}, occ(o)), h("td", { class: "num" }, p.scores ? p.scores[r].toPrecision(4) : ""), h("td", {}, note)));
    });
    c.append(h("details", { open: focus || !META.systems.some((x) => x.name === params().get("system")) }, h("summary", {}, `top ${p.ranked.length}`), t));
  }
  if (p.reason) {
    c.append(h("h4", {}, "Reason"), h("div", { class: "reason" }, p.reason));
  }
  if (p.judge) c.append(judgeTable(p.judge));
  else if (p.stale_judge) c.append(h("p", { class: "note" }, "A judge record exists for an earlier text of this reason; run occbench judge again to score this one."));
  if (p.raw) c.append(h("details", {}, h("summary", {}, "raw output"), h("pre", { class: "raw" }, p.raw)));
  if (p.calls && p.calls.length) {
    const t = h("table", {}, h("tr", {}, ["role", "model", "source", "tries", "finish", "prompt", "completion", "latency"].map((x) => h("th", {}, x))));
    p.calls.forEach((cl) => {
      t.append(h("tr", {}, h("td", {}, cl.role), h("td", {}, cl.model), h("td", {}, cl.source), h("td", { class: "num" }, cl.tries || ""),
        h("td", {}, cl.finish || ""), h("td", { class: "num" }, cl.pt || ""), h("td", { class: "num" }, cl.ct || ""), h("td", { class: "num" }, (cl.ms / 1000).toFixed(2) + " s")));
      if (cl.error) t.append(h("tr", {}, h("td", { colspan: 8, class: "warning" }, "error: " + cl.error)));
      if (cl.raw) t.append(h("tr", {}, h("td", { colspan: 8 }, h("details", {}, h("summary", {}, cl.role + " output"), h("pre", {}, cl.raw)))));
    });
    c.append(h("details", {}, h("summary", {}, "model calls"), t));
  }
  return c;
}

async function renderUser(p) {
  const id = p.get("user");
  const i = INDEX.id.indexOf(id);
  if (i < 0) return h("div", {}, h("h1", {}, "No such user"), h("p", {}, `The run has no test user ${id}. `, h("a", { href: "#users" }, "All users")));
  const d = await userDetail(i);
  const app = h("div", { id: "user", "data-user": id });
  const nav = lastList && lastList.includes(i) ? lastList : null;
  const at = nav ? nav.indexOf(i) : i;
  const step = (k) => {
    const j = nav ? nav[at + k] : at + k;
    if (j === undefined || j < 0 || j >= INDEX.id.length) return null;
    const q = new Map([["user", INDEX.id[j]]]);
    if (p.has("system")) q.set("system", p.get("system"));
    return hashOf("user", q);
  };
  const prev = step(-1), next = step(1);
  app.append(h("div", { class: "userhead" }, h("h1", {}, "User " + id),
    prev ? h("a", { href: prev }, "← previous") : "", next ? h("a", { href: next }, "next →") : "",
    nav ? h("a", { href: lastListHash }, `back to the list (${at + 1} of ${nav.length})`) : h("a", { href: "#users" }, "all users")));
  const side = h("aside", { class: "person" }, h("h2", {}, "History"), timeline(d, i));
  const rel = h("ol", { class: "related" });
  d.related.forEach((o) => rel.append(h("li", {}, occ(o))));
  side.append(h("details", {}, h("summary", {}, `The true occupation's ${d.related.length} related occupations (RM counts them in this order)`), rel));
  if (d.bayes >= 0) side.append(h("p", {}, "Bayes-optimal prediction (the generator's): ", occ(d.bayes)));
  if (d.oracle) {
    side.append(h("h2", {}, "Oracle reason"), h("div", { class: "reason oracle" }, d.oracle.reason));
    if (d.oracle.judge) side.append(judgeTable(d.oracle.judge));
  }
  const grid = h("div", { class: "systems" });
  const focus = p.get("system");
  META.systems.forEach((s, k) => grid.append(card(s, k, d.preds[k], i, d, s.name === focus)));
  app.append(h("div", { class: "userbody" }, side, h("div", {}, h("h2", {}, "Systems"), grid)));
  return app;
}

// ---- routing ---------------------------------------------------------------

let rendering = 0;

async function route() {
  const ticket = ++rendering;
  const p = params();
  const view = p.get("view");
  let el;
  try {
    if (view === "users") el = renderUsers(p);
    else if (view === "user") el = await renderUser(p);
    else el = renderOverview();
  } catch (err) {
    el = h("div", { id: "error" }, "The viewer failed: " + err);
    console.error(err);
  }
  if (ticket !== rendering) return; // a later hash won
  const app = document.getElementById("app");
  const keepFocus = document.activeElement && document.activeElement.name === "q" ? document.activeElement.selectionStart : null;
  app.replaceChildren(el);
  document.getElementById("nav-overview").classList.toggle("active", view === "overview");
  document.getElementById("nav-users").classList.toggle("active", view === "users");
  document.body.dataset.view = view;
  if (keepFocus !== null) {
    const q = app.querySelector("input[name=q]");
    if (q) { q.focus(); q.setSelectionRange(keepFocus, keepFocus); }
  }
  if (view === "user" && p.has("system")) {
    const c = document.getElementById("sys-" + p.get("system"));
    if (c) c.scrollIntoView({ block: "start" });
  } else {
    window.scrollTo(0, 0);
  }
  document.body.dataset.hash = location.hash; // what tests wait for
}

async function main() {
  document.getElementById("run-name").textContent = META.run;
  INDEX = await unpack("index");
  OCC_TEXT = INDEX.occ.map(([code, title]) => (code + " " + title).toLowerCase());
  window.addEventListener("hashchange", route);
  await route();
}

main().catch((err) => {
  console.error(err);
  document.getElementById("app").replaceChildren(h("div", { id: "error" }, "The viewer could not read its data: " + err));
});
