// PnPjs (@pnp/sp 4.x), the reference SharePoint search client, against a live `docket serve`
// (sharepoint-search.md §4). The test writes a corpus whose fields it controls (12 emails,
// 3 text files), ingests it with the real binary, serves it on 127.0.0.1:0 and drives it with
// sp.search(): select properties, paging with getPage, sorting, refiners and refinement
// filters, the verbose JSON mode and sp.searchSuggest().
//
// Run by ctest (tests/pnpjs/CMakeLists.txt) with DOCKET_BINARY set; `npm ci` first.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { spfi, DefaultHeaders, DefaultInit, RequestDigest } from "@pnp/sp";
import { BrowserFetch, DefaultParse, InjectHeaders } from "@pnp/queryable";
import "@pnp/sp/search/index.js";

const docket = process.env.DOCKET_BINARY;
let dir;
let server;
let base;

// Emails 1..12: odd ones from Alice, even ones from Bob; 1..6 sent in 2013, 7..12 in 2014.
function email(n) {
  const alice = n % 2 === 1;
  const year = n <= 6 ? 2013 : 2014;
  const day = String(n).padStart(2, "0");
  return [
    `From: ${alice ? "Alice Archer <alice@contoso.com>" : "Bob Baker <bob@contoso.com>"}`,
    `To: ${alice ? "bob@contoso.com" : "alice@contoso.com"}`,
    `Subject: Budget review ${n}`,
    `Date: ${day} Mar ${year} 10:00:00 +0000`,
    `Message-ID: <budget-${n}@contoso.com>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `The budget for project number ${n} needs a second look before the board meeting.`,
    "",
  ].join("\r\n");
}

before(async () => {
  assert.ok(docket, "DOCKET_BINARY must name the docket binary");
  dir = mkdtempSync(join(tmpdir(), "docket-pnpjs-"));
  const corpus = join(dir, "corpus");
  mkdirSync(join(corpus, "mail"), { recursive: true });
  mkdirSync(join(corpus, "notes"), { recursive: true });
  for (let n = 1; n <= 12; n++) {
    writeFileSync(join(corpus, "mail", `budget-${n}.eml`), email(n));
  }
  for (let n = 1; n <= 3; n++) {
    writeFileSync(join(corpus, "notes", `note-${n}.txt`),
                  `Note ${n}: the budget spreadsheet ${"x".repeat(n * 700)} is attached.\n`);
  }
  const index = join(dir, "index");
  const ingest = spawnSync(docket, ["ingest", "--index", index, "--custodian", "PnP Custodian",
                                    corpus], { encoding: "utf8" });
  assert.equal(ingest.status, 0, `docket ingest failed: ${ingest.stderr}`);

  server = spawn(docket, ["serve", "--index", index, "--listen", "127.0.0.1:0"],
                 { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: server.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("docket serve did not announce a URL")), 30000);
    server.once("exit", (code) => reject(new Error(`docket serve exited with ${code}`)));
    lines.on("line", (line) => {
      const m = line.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
  });
  // A site prefix, as real clients send: the server routes on the /_api/ suffix.
  base = `${url}/sites/ediscovery`;
});

after(() => {
  if (server) server.kill("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function client(extraHeaders) {
  const behaviors = [DefaultHeaders(), DefaultInit(), BrowserFetch(), DefaultParse()];
  if (extraHeaders) behaviors.splice(1, 0, InjectHeaders(extraHeaders));
  return spfi(base).using(...behaviors);
}

test("select properties: exactly the asked cells, as strings, in a page of RowLimit", async () => {
  const r = await client().search({
    Querytext: "budget", RowLimit: 5, SelectProperties: ["Title", "Path", "Write", "author"],
  });
  assert.equal(r.TotalRows, 15);
  assert.equal(r.RowCount, 5);
  assert.equal(r.PrimarySearchResults.length, 5);
  for (const row of r.PrimarySearchResults) {
    // Keys in the request's casing (sharepoint-search.md §1.7.1).
    assert.deepEqual(Object.keys(row), ["Title", "Path", "Write", "author"]);
    assert.equal(typeof row.Title, "string");
    assert.equal(typeof row.Path, "string");
  }
  const mail = r.PrimarySearchResults.filter((row) => row.Path.endsWith(".eml"));
  for (const row of mail) {
    assert.match(row.Title, /^Budget review \d+$/);
    assert.match(row.Write, /^\d{4}-03-\d\dT10:00:00\.0000000Z$/);
    assert.match(row.author, /<(alice|bob)@contoso\.com>$/);  // the From header as written
  }
});

test("default cells when SelectProperties is empty", async () => {
  const r = await client().search({ Querytext: "budget", RowLimit: 1 });
  const row = r.PrimarySearchResults[0];
  for (const key of ["Rank", "DocId", "WorkId", "Title", "Author", "Size", "Path", "Write",
                     "HitHighlightedSummary", "FileExtension", "FileType", "IsDocument"]) {
    assert.ok(key in row, `default cell ${key} missing`);
  }
  assert.match(row.HitHighlightedSummary, /<c0>budget<\/c0>/i);
});

test("paging with getPage returns disjoint pages that cover every match", async () => {
  const first = await client().search({ Querytext: "budget", RowLimit: 6,
                                        SelectProperties: ["Path"] });
  const second = await first.getPage(2);
  const third = await first.getPage(3);
  assert.equal(second.RowCount, 6);
  assert.equal(third.RowCount, 3);
  const paths = [first, second, third].flatMap((r) => r.PrimarySearchResults.map((x) => x.Path));
  assert.equal(new Set(paths).size, 15);
  assert.equal(await first.getPage(4), null);  // StartRow 18 > TotalRows: PnPjs stops
});

test("SortList orders by Write both ways; the default is Rank descending", async () => {
  const query = (dir) => client().search({
    Querytext: "budget", RowLimit: 12, SelectProperties: ["Title", "Write"],
    RefinementFilters: ['FileType:equals("eml")'], SortList: [{ Property: "Write", Direction: dir }],
  });
  const up = (await query(0)).PrimarySearchResults.map((x) => x.Write);
  const down = (await query(1)).PrimarySearchResults.map((x) => x.Write);
  assert.equal(up.length, 12);
  assert.deepEqual(up, [...up].sort());
  assert.deepEqual(down, [...up].reverse());
  assert.ok(up[0].startsWith("2013-03-01"));
  assert.ok(down[0].startsWith("2014-03-12"));

  const ranked = await client().search({ Querytext: "budget", RowLimit: 15,
                                         SelectProperties: ["Rank"] });
  const ranks = ranked.PrimarySearchResults.map((x) => Number(x.Rank));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => b - a));
});

test("Title, [random:seed=N] and [formula:...] sorts; HitHighlightedProperties", async () => {
  const titles = async (SortList) => (await client().search({
    Querytext: "budget", RowLimit: 15, SelectProperties: ["Title"], SortList,
  })).PrimarySearchResults.map((x) => x.Title);
  const byTitle = await titles([{ Property: "Title", Direction: 0 }]);
  assert.equal(byTitle.length, 15);
  const lower = byTitle.map((t) => t.toLowerCase());
  assert.deepEqual(lower, [...lower].sort());
  const shuffle = await titles([{ Property: "[random:seed=42]", Direction: 0 }]);
  assert.deepEqual(await titles([{ Property: "[random:seed=42]", Direction: 0 }]), shuffle);
  assert.deepEqual([...shuffle].sort(), [...byTitle].sort());
  assert.notDeepEqual(await titles([{ Property: "[random:seed=43]", Direction: 0 }]), shuffle);
  // The notes are 700, 1400 and 2100 bytes of x's and more: the largest first.
  const bySize = await titles([{ Property: "[formula:0-size]", Direction: 0 }]);
  assert.deepEqual(bySize.slice(0, 3), ["note-3.txt", "note-2.txt", "note-1.txt"]);
  await assert.rejects(
    client().search({ Querytext: "budget", SortList: [{ Property: "[formula:nope(size)]", Direction: 0 }] }),
    /unknown function 'nope'/);

  const highlighted = await client().search({
    Querytext: "budget", RowLimit: 1, SelectProperties: ["Title", "HitHighlightedProperties"],
    HitHighlightedProperties: ["Title"], RefinementFilters: ['FileType:equals("eml")'],
  });
  assert.match(highlighted.PrimarySearchResults[0].HitHighlightedProperties,
               /^<HHTitle><c0>Budget<\/c0> review \d+<\/HHTitle>$/);
});

test("the browser preset's RequestDigest gets a form digest from contextinfo first", async () => {
  const seen = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (url, init) => {
    seen.push({ url: String(url), method: init?.method,
                digest: new Headers(init?.headers).get("X-RequestDigest") });
    return realFetch(url, init);
  };
  try {
    const sp = spfi(base).using(DefaultHeaders(), DefaultInit(), BrowserFetch(), DefaultParse(),
                                RequestDigest());
    const r = await sp.search({ Querytext: "budget", RowLimit: 1 });
    assert.equal(r.RowCount, 1);
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.equal(seen.length, 2);
  assert.equal(seen[0].url, `${base}/_api/contextinfo`);
  assert.equal(seen[0].method, "POST");
  assert.ok(seen[1].url.endsWith("/sites/ediscovery/_api/search/postquery"));
  assert.match(seen[1].digest, /^0x[0-9A-F]{128},\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} -0000$/);
});

function refiner(r, name) {
  const refiners = r.RawSearchResults.PrimaryQueryResult.RefinementResults.Refiners;
  const found = (refiners.results ?? refiners).find((x) => x.Name === name);
  assert.ok(found, `refiner ${name} missing`);
  const entries = found.Entries.results ?? found.Entries;
  return Object.fromEntries(entries.map((e) => [e.RefinementName, e]));
}

test("refiners: FileType, Author and Write with counts and tokens; filters drill down", async () => {
  const r = await client().search({ Querytext: "budget", RowLimit: 1,
                                    Refiners: "FileType,Author,Write" });
  const types = refiner(r, "FileType");
  assert.equal(types.eml.RefinementCount, "12");
  assert.equal(types.txt.RefinementCount, "3");
  assert.equal(types.eml.RefinementToken, '"ǂǂ656d6c"');
  const authors = refiner(r, "Author");
  assert.equal(authors["alice@contoso.com"].RefinementCount, "6");
  assert.equal(authors["bob@contoso.com"].RefinementCount, "6");
  const years = refiner(r, "Write");
  const y2013 = years["From 2013-01-01T00:00:00Z up to 2014-01-01T00:00:00Z"];
  assert.equal(y2013.RefinementCount, "6");
  assert.equal(y2013.RefinementToken, "range(2013-01-01T00:00:00Z, 2014-01-01T00:00:00Z)");

  // Drill down with the tokens exactly as returned (RefinerName:Token, ANDed).
  const drilled = await client().search({
    Querytext: "budget", RowLimit: 20, SelectProperties: ["Title"],
    RefinementFilters: [`FileType:${types.eml.RefinementToken}`, `Write:${y2013.RefinementToken}`],
  });
  assert.equal(drilled.TotalRows, 6);
  assert.deepEqual(drilled.PrimarySearchResults.map((x) => x.Title).sort(),
                   [1, 2, 3, 4, 5, 6].map((n) => `Budget review ${n}`));
  const notes = await client().search({ Querytext: "budget",
                                        RefinementFilters: [`FileType:${types.txt.RefinementToken}`] });
  assert.equal(notes.TotalRows, 3);
});

test("verbose JSON: the answer is keyed postquery and PnPjs reads it the same", async () => {
  const r = await client({ Accept: "application/json;odata=verbose" }).search({
    Querytext: "budget", RowLimit: 4, SelectProperties: ["Title"], Refiners: "FileType",
  });
  assert.equal(r.TotalRows, 15);
  assert.equal(r.RowCount, 4);
  assert.equal(typeof r.PrimarySearchResults[0].Title, "string");
  assert.equal(refiner(r, "FileType").eml.RefinementCount, "12");
});

test("searchSuggest completes from the index's words", async () => {
  const s = await client().searchSuggest("budg");
  assert.ok(s.Queries.some((q) => q.Query === "<B>budg</B>et"), JSON.stringify(s.Queries));
});

test("errors come back as HTTP 400 with the OData error body", async () => {
  await assert.rejects(client().search({ Querytext: "" }), (e) => {
    assert.equal(e.status, 400);
    return true;
  });
  await assert.rejects(client().search({ Querytext: "budget", SortList: [{ Property: "Nope", Direction: 0 }] }),
                       (e) => e.status === 400 && /Property doesn't exist/.test(e.message));
});
