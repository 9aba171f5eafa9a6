#!/usr/bin/env python3
"""Untimed preparation for bench/query/run: the PostgreSQL rows and the query mix.

    prepare.py rows CORPUS MANIFEST OUT.tsv
        one row per message of CORPUS (the same walk as bench/peers/prepare.py: loose .eml,
        .eml in zips and in zips in zips) in PostgreSQL's COPY text format, columns
        id, ipath, subject, body, participants (text[]), kind, language, sent (timestamptz).
        Prints "messages=N bytes=B".

    prepare.py mix MANIFEST OUT.tsv OUTDIR
        picks the query mix from the corpus itself (document frequencies of the extracted text,
        the manifest's planted CJK tokens, people and dates) and writes
          OUTDIR/mix.tsv        name, KQL, PostgreSQL WHERE clause, one query a line
          OUTDIR/docket.paths   the REST request path of each query, one a line (for wrk)
          OUTDIR/pg/NN.sql      the PostgreSQL statement of each query (for pgbench -f)
        Prints the number of queries.

The body is what a search engine indexes (From, To, Cc, Subject and the transcript text, HTML
turned into text), from bench/peers/prepare.py's message_text, so both systems search the same
words. participants is From + To + Cc (Docket's participants: is the same union, §2).
"""
import collections
import datetime
import email
import email.utils
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
import prepare as peers  # noqa: E402  (bench/peers/prepare.py: the walk and the text extraction)

ROWS_PER_PAGE = 10


def copy_field(value):
    """A value in COPY text format: backslash, tab, newline and CR escaped."""
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r").replace("\0", ""))


def pg_array(values):
    """A text[] literal: every element double-quoted, quotes and backslashes escaped."""
    return "{" + ",".join('"%s"' % v.replace("\\", "\\\\").replace('"', '\\"') for v in values) + "}"


def kind_of(ipath):
    # Lync exports name transcripts *_p2p.eml (IM) and *_conf.eml (conferences); Docket maps
    # them to kind:im and kind:meetings, and everything else here is mail.
    if ipath.endswith("_p2p.eml"):
        return "im"
    if ipath.endswith("_conf.eml"):
        return "meetings"
    return "email"


def cmd_rows(corpus, manifest_path, out_path):
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    language = {item["ipath"]: item.get("language", "") for item in manifest.get("items", [])}
    count = 0
    written = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for ipath, data in peers.iter_messages(corpus):
            count += 1
            msg = email.message_from_bytes(data)
            subject = peers.header_text(msg.get("Subject", ""))
            addresses = []
            for header in ("From", "To", "Cc"):
                for _, addr in email.utils.getaddresses(msg.get_all(header, [])):
                    addr = addr.lower()
                    if addr and addr not in addresses:
                        addresses.append(addr)
            date = msg.get("Date")
            sent = email.utils.parsedate_to_datetime(date).isoformat() if date else "\\N"
            body = peers.message_text(data)
            line = "\t".join([
                str(count), copy_field(ipath), copy_field(subject), copy_field(body),
                copy_field(pg_array(addresses)), kind_of(ipath), copy_field(language.get(ipath, "")),
                sent]) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
    print("messages=%d bytes=%d" % (count, written))
    return 0


# --- the query mix --------------------------------------------------------------------------------

WORD = re.compile(r"[a-z]{4,}")
STOP_WORDS = set("""
    about above after again against also although among another because been before being below
    between both cannot could does doing down during each either else even ever every from have
    having here hers herself himself into itself just least less many more most much must myself
    neither never none only other ought ours over same shall should some such than that their
    theirs them themselves then there these they this those though through thus till under until
    upon very were what when where whether which while whom whose will with within without would
    your yours yourself""".split())
# Two such words next to each other, separated by one space (overlapping matches).
PAIR = re.compile(r"(?<![\w@.])(?=([a-z]{4,}) ([a-z]{4,})(?![\w@]))")


def read_rows(tsv_path):
    """Yields (body, sent) of each row of OUT.tsv, body lowercased."""
    with open(tsv_path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            yield cols[3].replace("\\n", "\n").replace("\\t", "\t").lower(), cols[7]


def sql_literal(text):
    return "'" + text.replace("'", "''") + "'"


def closest(counter, target, exclude=()):
    """The key of counter whose count is nearest target (ties: the smaller key), not in exclude."""
    best = None
    for key, n in counter.items():
        if key in exclude:
            continue
        score = (abs(n - target), key)
        if best is None or score < best[0]:
            best = (score, key)
    return best[1]


def cmd_mix(manifest_path, tsv_path, outdir):
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    # Words in addresses, names and the transcript boilerplate are not what people search for.
    noise = set()
    for person in manifest["people"]:
        for field in ("display_name", "sip", "smtp"):
            noise.update(WORD.findall(person[field].lower()))
    df = collections.Counter()
    pair_df = collections.Counter()
    prefix_words = collections.defaultdict(set)
    sent_values = []
    docs = 0
    for body, sent in read_rows(tsv_path):
        docs += 1
        sent_values.append(sent)
        # Only words bounded by spaces or punctuation that both tokenizers split the same way:
        # plain ASCII letters, not inside an address or a number.
        words = [w for w in re.findall(r"(?<![\w@.])[a-z]{4,}(?![\w@])", body) if w not in noise]
        unique = set(words)
        df.update(unique)
        pair_df.update(set(PAIR.findall(body)))
        for w in unique:
            if len(w) >= 7:
                prefix_words[w[:5]].add(w)
    # Boilerplate ("transcript", "session", ...) appears in nearly every document, and English
    # function words are not what people search for.
    for w, n in list(df.items()):
        if n > 0.5 * docs or w in STOP_WORDS:
            del df[w]
    frequent = closest(df, 0.05 * docs)
    medium = closest(df, 0.005 * docs, {frequent})
    rare = closest(df, 5, {frequent, medium})
    medium2 = closest(df, 0.01 * docs, {frequent, medium, rare})
    frequent2 = closest(df, 0.03 * docs, {frequent, medium, rare, medium2})
    # AND partners that share documents with the frequent words (a German word AND an English one
    # would match nothing).
    with_frequent = collections.Counter()
    with_frequent2 = collections.Counter()
    for body, _ in read_rows(tsv_path):
        unique = set(re.findall(r"(?<![\w@.])[a-z]{4,}(?![\w@])", body))
        if frequent in unique:
            with_frequent.update(w for w in unique if w in df)
        if frequent2 in unique:
            with_frequent2.update(w for w in unique if w in df)
    partner = closest(with_frequent, 0.002 * docs + 2, {frequent, frequent2, medium, rare})
    partner2 = closest(with_frequent2, 0.005 * docs + 2, {frequent, frequent2, partner, rare})
    pairs = collections.Counter({p: n for p, n in pair_df.items()
                                 if p[0] in df and p[1] in df and p[0] != p[1]})
    phrase1 = closest(pairs, 0.002 * docs + 2)
    phrase2 = closest(pairs, 0.01 * docs, {phrase1})
    # A prefix that stands for several words (the wildcard expands to all of them).
    prefix_df = collections.Counter()
    for prefix, words in prefix_words.items():
        if len(words) >= 3:
            prefix_df[prefix] = sum(df.get(w, 0) for w in words)
    prefix = closest(prefix_df, 0.02 * docs)
    # A month in the middle of the corpus's date range.
    sent_values.sort()
    mid = sent_values[len(sent_values) // 2][:7]  # YYYY-MM
    year, month = int(mid[:4]), int(mid[5:7])
    first = "%04d-%02d-01" % (year, month)
    nxt = "%04d-%02d-01" % (year + month // 12, month % 12 + 1)
    last = (datetime.date.fromisoformat(nxt) - datetime.timedelta(days=1)).isoformat()
    cjk = []
    for planted in manifest["planted"]:
        for token in planted["tokens"] + planted["phrases"]:
            if re.fullmatch(r"[\u3040-\u30ff\u4e00-\u9fff]{3,}", token):
                cjk.append(token)
    people = [p["smtp"] for p in manifest["people"]]

    # (name, KQL, PostgreSQL tsquery or None, extra WHERE or None, options)
    # options: refiners, startrow, like (a substring match instead of a tsquery)
    ts = lambda *words: " & ".join(words)  # noqa: E731
    phrase_q = lambda p: " <-> ".join(p)  # noqa: E731
    queries = [
        ("term frequent", frequent, ts(frequent), None, {}),
        ("term medium", medium, ts(medium), None, {}),
        ("term rare", rare, ts(rare), None, {}),
        ("term frequent 2", frequent2, ts(frequent2), None, {}),
        ("and 2 terms", "%s AND %s" % (frequent, partner), ts(frequent, partner), None, {}),
        ("and 2 terms b", "%s %s" % (frequent2, partner2), ts(frequent2, partner2), None, {}),
        ("phrase", '"%s %s"' % phrase1, phrase_q(phrase1), None, {}),
        ("phrase b", '"%s %s"' % phrase2, phrase_q(phrase2), None, {}),
    ]
    for i, token in enumerate(cjk[:3]):
        queries.append(("cjk %d" % (i + 1), token, None, "c.body LIKE %s" % sql_literal("%" + token + "%"),
                        {"like": token}))
    queries += [
        ("participants", "%s participants:%s" % (medium2, people[1]), ts(medium2),
         "c.participants @> ARRAY[%s]" % sql_literal(people[1]), {}),
        ("kind", "%s kind:meetings" % frequent, ts(frequent), "c.kind = 'meetings'", {}),
        ("prefix", "%s*" % prefix, "%s:*" % prefix, None, {}),
        ("date range", "%s AND sent>=%s AND sent<=%s" % (frequent, first, last), ts(frequent),
         "c.sent >= %s AND c.sent < %s" % (sql_literal(first), sql_literal(nxt)), {}),
        ("refiners", frequent2, ts(frequent2), None, {"refiners": True}),
        ("deep paging", frequent, ts(frequent), None, {"startrow": 500}),
    ]

    os.makedirs(os.path.join(outdir, "pg"), exist_ok=True)
    with open(os.path.join(outdir, "mix.tsv"), "w", encoding="utf-8") as mix, \
            open(os.path.join(outdir, "docket.paths"), "w", encoding="utf-8") as paths:
        for i, (name, kql, tsquery, extra, opts) in enumerate(queries, 1):
            start = opts.get("startrow", 0)
            params = [("querytext", "'%s'" % kql.replace("'", "''")), ("rowlimit", str(ROWS_PER_PAGE)),
                      ("enablestemming", "false"), ("trimduplicates", "false")]
            if start:
                params.append(("startrow", str(start)))
            if opts.get("refiners"):
                params.append(("refiners", "'Kind,Custodian,DetectedLanguage'"))
            path = "/_api/search/query?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
            sql = pg_statement(tsquery, extra, start, opts)
            with open(os.path.join(outdir, "pg", "%02d.sql" % i), "w", encoding="utf-8") as f:
                f.write(sql)
            paths.write(path + "\n")
            where = ("c.tsv @@ to_tsquery('simple', %s)" % sql_literal(tsquery) if tsquery else "") + \
                (" AND " if tsquery and extra else "") + (extra or "")
            mix.write("\t".join([name, kql, where]) + "\n")
    print(len(queries))
    return 0


def pg_statement(tsquery, extra, start, opts):
    """What a search page needs from PostgreSQL: the total, and the 10 best with a snippet each.

    The matches are ranked with ts_rank over the stored tsvector; only the 10 shown are joined
    back for their text, so ts_headline runs 10 times, as Docket's highlighter does. A substring
    (CJK) query has no tsquery to rank by: its page is the newest first, and ts_headline gets the
    substring as a phrase query (PostgreSQL's parser cannot split CJK runs, so it marks nothing,
    but it still cuts a snippet).
    """
    where = []
    if tsquery:
        q = "to_tsquery('simple', %s)" % sql_literal(tsquery)
        where.append("c.tsv @@ q.q")
        rank = "ts_rank(c.tsv, q.q)"
    else:
        q = "phraseto_tsquery('simple', %s)" % sql_literal(opts["like"])
        rank = "extract(epoch FROM c.sent)"
    if extra:
        where.append(extra)
    refiners = ""
    if opts.get("refiners"):
        # Docket's refiners: counts of each Kind and DetectedLanguage over all matches (Custodian
        # is the same for every item here, so it is left out).
        refiners = (",\n  (SELECT json_agg(k) FROM (SELECT c.kind, count(*) FROM hits h JOIN conv c"
                    " USING (id) GROUP BY c.kind) k) AS kinds,\n"
                    "  (SELECT json_agg(l) FROM (SELECT c.language, count(*) FROM hits h JOIN conv c"
                    " USING (id) GROUP BY c.language) l) AS languages")
    return (
        "WITH q AS MATERIALIZED (SELECT %s AS q),\n"
        "hits AS MATERIALIZED (SELECT c.id, %s AS r FROM conv c, q WHERE %s),\n"
        "top AS (SELECT id, r FROM hits ORDER BY r DESC, id LIMIT %d OFFSET %d)\n"
        # The outer join keeps the total when the page is empty (deep paging past the end).
        "SELECT t.total%s,\n"
        "  c.id, c.ipath, c.subject, c.participants, c.kind, c.sent,\n"
        "  ts_headline('simple', c.body, q.q, 'MaxFragments=1, MaxWords=35, MinWords=15') AS snippet\n"
        "FROM (SELECT count(*) AS total FROM hits) t\n"
        "  LEFT JOIN (top JOIN conv c USING (id) CROSS JOIN q) ON true\n"
        "ORDER BY top.r DESC, c.id;\n"
        % (q, rank, " AND ".join(where), ROWS_PER_PAGE, start, refiners))


def main(argv):
    if len(argv) == 5 and argv[1] == "rows":
        return cmd_rows(argv[2], argv[3], argv[4])
    if len(argv) == 5 and argv[1] == "mix":
        return cmd_mix(argv[2], argv[3], argv[4])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
