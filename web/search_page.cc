/** @file
 *  @brief The search page. The HTML lives here as a raw string so there is no build step and no
 *         file to find at run time; it builds every result with DOM calls (textContent), so
 *         nothing from the index is ever parsed as HTML except the <c0> highlight markers, which
 *         become <mark> elements.
 */
#include "web/search_page.h"

#include <string>

namespace docket::web {
namespace {

constexpr std::string_view kHtml = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Docket search</title>
<style>
  :root { --fg: #1d232b; --muted: #5b6673; --line: #d9dee4; --accent: #1f5fbf; --bg: #f6f7f9; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color: var(--fg); background: var(--bg); }
  header { background: #fff; border-bottom: 1px solid var(--line); padding: 14px 24px; }
  header h1 { margin: 0 0 10px; font-size: 18px; font-weight: 600; letter-spacing: .02em; }
  form { display: flex; gap: 8px; max-width: 900px; }
  input[type=search] { flex: 1; padding: 8px 10px; font: inherit; border: 1px solid #b9c1cb;
                       border-radius: 4px; }
  input[type=search]:focus { outline: 2px solid var(--accent); outline-offset: -1px; }
  button { padding: 8px 14px; font: inherit; border: 1px solid var(--accent); border-radius: 4px;
           background: var(--accent); color: #fff; cursor: pointer; }
  button[disabled] { opacity: .45; cursor: default; }
  button.secondary { background: #fff; color: var(--accent); }
  main { max-width: 900px; padding: 16px 24px 40px; }
  #status { color: var(--muted); margin: 4px 0 12px; min-height: 1.4em; }
  #error { display: none; border: 1px solid #e0a5a5; background: #fdf1f1; color: #8a1f1f;
           padding: 10px 12px; border-radius: 4px; margin-bottom: 12px; white-space: pre-wrap; }
  ol#results { list-style: none; margin: 0; padding: 0; }
  ol#results li { background: #fff; border: 1px solid var(--line); border-radius: 6px;
                  padding: 12px 14px; margin-bottom: 10px; }
  .title { font-weight: 600; font-size: 16px; margin: 0 0 2px; }
  .meta { color: var(--muted); font-size: 13px; }
  .meta span + span::before { content: " \00b7  "; }
  .path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px;
          color: #2f6b3b; word-break: break-all; }
  .summary { margin-top: 6px; }
  mark { background: #fff0a6; padding: 0 1px; }
  nav { display: flex; gap: 8px; align-items: center; margin-top: 14px; }
  .hint { color: var(--muted); font-size: 13px; margin-top: 8px; }
  code { background: #eef1f4; padding: 0 3px; border-radius: 3px; }
</style>
</head>
<body>
<header>
  <h1>Docket &mdash; compliance search</h1>
  <form id="form" role="search">
    <input id="q" type="search" name="q" autocomplete="off" autofocus
           placeholder="KQL, e.g. from:alice@contoso.com AND budget" aria-label="Search query">
    <button type="submit">Search</button>
  </form>
  <div class="hint">KQL: <code>AND</code> <code>OR</code> <code>NOT</code>,
    <code>"exact phrase"</code>, <code>from:</code> <code>participants:</code>
    <code>sent&gt;=2013-03-01</code> <code>kind:im</code>. Use <code>*</code> for everything.</div>
</header>
<main>
  <div id="error" role="alert"></div>
  <div id="status" aria-live="polite"></div>
  <ol id="results"></ol>
  <nav>
    <button id="prev" class="secondary" type="button" disabled>&larr; Previous</button>
    <button id="next" class="secondary" type="button" disabled>Next &rarr;</button>
  </nav>
</main>
<script>
"use strict";
const PAGE_SIZE = 20;
const $ = (id) => document.getElementById(id);
let current = { q: "", start: 0, total: 0 };

// OData string literal: wrap in single quotes, double inner quotes (sharepoint-search.md 1.4).
function odataString(text) { return "'" + text.replace(/'/g, "''") + "'"; }

function cellsToObject(cells) {
  const out = {};
  for (const c of cells) out[c.Key] = c.Value;
  return out;
}

function decodeEntities(text) {
  // A <textarea> decodes character references without running or parsing any markup.
  const t = document.createElement("textarea");
  t.innerHTML = text;
  return t.value;
}

// HitHighlightedSummary is escaped text with literal <c0>, </c0> and <ddd/> markers.
function renderSummary(summary, into) {
  let marked = null;
  for (const part of (summary || "").split(/(<c0>|<\/c0>|<ddd\/>)/)) {
    if (part === "<c0>") { marked = document.createElement("mark"); continue; }
    if (part === "</c0>") { if (marked) into.appendChild(marked); marked = null; continue; }
    if (part === "<ddd/>") { into.appendChild(document.createTextNode(" \u2026 ")); continue; }
    if (part === "") continue;
    (marked || into).appendChild(document.createTextNode(decodeEntities(part)));
  }
  if (marked) into.appendChild(marked);
}

function formatDate(value) {
  if (!value) return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
  return m ? m[1] + " " + m[2] + " UTC" : value;
}

function span(text, cls) {
  const s = document.createElement("span");
  if (cls) s.className = cls;
  s.textContent = text;
  return s;
}

function showError(message) {
  const e = $("error");
  e.textContent = message;
  e.style.display = message ? "block" : "none";
}

async function search(q, start) {
  showError("");
  $("status").textContent = "Searching\u2026";
  const url = "_api/search/query?querytext=" + encodeURIComponent(odataString(q)) +
              "&startrow=" + start + "&rowlimit=" + PAGE_SIZE;
  let response, body;
  try {
    response = await fetch(url, { headers: { "Accept": "application/json;odata=nometadata" } });
    body = await response.json();
  } catch (err) {
    $("status").textContent = "";
    showError("The server did not answer with JSON: " + err);
    return;
  }
  if (!response.ok) {
    const e = body && body["odata.error"];
    $("status").textContent = "";
    $("results").replaceChildren();
    showError((e && e.message && e.message.value) || ("HTTP " + response.status));
    $("prev").disabled = $("next").disabled = true;
    return;
  }
  const relevant = body.PrimaryQueryResult.RelevantResults;
  current = { q, start, total: relevant.TotalRows };
  const list = $("results");
  list.replaceChildren();
  for (const row of relevant.Table.Rows) {
    const r = cellsToObject(row.Cells);
    const li = document.createElement("li");
    const title = document.createElement("div");
    title.className = "title";
    title.textContent = r.Title || "(no title)";
    li.appendChild(title);
    const path = document.createElement("div");
    path.className = "path";
    path.textContent = r.Path || "";
    li.appendChild(path);
    const meta = document.createElement("div");
    meta.className = "meta";
    if (r.Kind) meta.appendChild(span(r.Kind));
    if (r.Author) meta.appendChild(span(r.Author));
    if (r.Write) meta.appendChild(span(formatDate(r.Write)));
    if (r.Custodian) meta.appendChild(span("custodian " + r.Custodian));
    li.appendChild(meta);
    const summary = document.createElement("div");
    summary.className = "summary";
    renderSummary(r.HitHighlightedSummary, summary);
    li.appendChild(summary);
    list.appendChild(li);
  }
  const shown = relevant.RowCount;
  $("status").textContent = current.total === 0 ? "No results."
      : current.total + " result" + (current.total === 1 ? "" : "s") +
        (shown ? " \u2014 showing " + (start + 1) + "\u2013" + (start + shown) : "");
  $("prev").disabled = start === 0;
  $("next").disabled = start + PAGE_SIZE >= current.total;
  const params = new URLSearchParams({ q });
  if (start) params.set("start", String(start));
  history.replaceState(null, "", "?" + params.toString());
}

$("form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = $("q").value.trim();
  if (q) search(q, 0);
});
$("prev").addEventListener("click", () => search(current.q, Math.max(0, current.start - PAGE_SIZE)));
$("next").addEventListener("click", () => search(current.q, current.start + PAGE_SIZE));

const initial = new URLSearchParams(location.search);
if (initial.get("q")) {
  $("q").value = initial.get("q");
  search(initial.get("q"), Math.max(0, parseInt(initial.get("start") || "0", 10) || 0));
}
</script>
</body>
</html>
)HTML";

}  // namespace

std::string_view SearchPageHtml() { return kHtml; }

HttpResponse SearchPageResponse() {
  HttpResponse response;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::string(kHtml);
  response.headers.emplace_back("Cache-Control", "no-cache");
  // The page loads nothing from elsewhere; say so, so an injected resource could not load either.
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
      "connect-src 'self'; base-uri 'none'; form-action 'self'");
  return response;
}

}  // namespace docket::web
