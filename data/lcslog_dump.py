"""LcsLog SQL archive dumps (ediscovery.md §2) for the generator's sessions.

write_lcslog_dump(out_dir, sessions, variant, rng) renders generate_samples.Session objects as
the tables Lync Server 2013 archives to (Users, ContentTypes, SessionDetails, Messages,
Conferences, ConferenceMessages, ConferenceMessageRecipientList), the way operators dump them:

  "bcp-char"  bcp -c -C 65001: TAB / CRLF, no header, UTF-8, an empty string as one NUL byte;
              non-XML format files for Users, ContentTypes, SessionDetails and Messages, XML
              format files for Conferences and ConferenceMessages, none for the recipient list
              (the importer's Lync 2013 defaults apply).
  "bcp-w"     bcp -w: the same in UTF-16LE without a byte-order mark, SQLNCHAR / NCharTerm.
  "csv"       SSMS-style CSV: UTF-8 with BOM, a header row, comma, RFC 4180 quoting; Messages
              has its columns in another order plus a column the importer does not know.

Bodies are plain text, HTML or RTF (under \\ansicpg1252 or \\ansicpg936, with \\'hh bytes and
\\uN escapes) chosen by `rng`; content type ids are shuffled per dump, as they are per database.
P2P sessions carry a Toast=1 row repeating the first message (a one-message session sometimes
has only the toast). One Messages row names a ToId missing from Users. Subject-change events
exist only in exports and are not written. Every message's text, converted as the importer does,
equals what the export transcript gives for it. Python standard library only; deterministic for
a given rng state.
"""

import codecs
import html
import os

CRLF = "\r\n"

MESSAGES_COLUMNS = ["SessionIdTime", "SessionIdSeq", "MessageIdTime", "MessageIdSeq", "FromId",
                    "ToId", "ContentTypeId", "Body", "Toast"]
CSV_MESSAGES_COLUMNS = ["MessageIdTime", "MessageIdSeq", "SessionIdTime", "SessionIdSeq",
                        "FromId", "ToId", "Toast", "IsSpoiled", "ContentTypeId", "Body"]
TABLES = {
    "Users": ["UserId", "UserUri"],
    "ContentTypes": ["ContentTypeId", "ContentType"],
    "SessionDetails": ["SessionIdTime", "SessionIdSeq", "StartTime", "EndTime", "User1Id",
                       "User2Id", "ResponseCode", "User1MessageCount", "User2MessageCount",
                       "User1ClientVerId", "User2ClientVerId"],
    "Messages": MESSAGES_COLUMNS,
    "Conferences": ["SessionIdTime", "SessionIdSeq", "ConferenceUri", "OrganizerId",
                    "ConferenceStartTime", "ConferenceEndTime"],
    "ConferenceMessages": ["MessageId", "SessionIdTime", "Date", "FromId", "ContentTypeId",
                           "Body"],
    "ConferenceMessageRecipientList": ["MessageId", "UserId", "SessionIdTime"],
}
NON_XML_FORMAT = ("Users", "ContentTypes", "SessionDetails", "Messages")
XML_FORMAT = ("Conferences", "ConferenceMessages")
GHOST_USER_ID = 9999


def sql_time(t):
    return "%04d-%02d-%02d %02d:%02d:%02d.%03d" % (t.year, t.month, t.day, t.hour, t.minute,
                                                   t.second, t.microsecond // 1000)


def rtf_escape(text, code_page, rng):
    """Text as RTF under `code_page`: \\'hh for bytes the code page has, \\uN otherwise."""
    codec = "cp1252" if code_page == 1252 else "gbk"
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if text.startswith(CRLF, i):
            out.append("\\par ")
            i += 2
            continue
        i += 1
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n" or ch == "\r":
            out.append("\\line ")
        elif ch == "\t":
            out.append("\\tab ")
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            try:
                data = ch.encode(codec)
            except UnicodeEncodeError:
                data = None
            if data is not None and rng.random() < 0.7:
                out.append("".join("\\'%02x" % b for b in data))
            else:
                for k in range(0, len(ch.encode("utf-16-le")), 2):
                    unit = int.from_bytes(ch.encode("utf-16-le")[k:k + 2], "little")
                    out.append("\\u%d?" % (unit - 65536 if unit > 32767 else unit))
    return "".join(out)


def rtf_body(text, rng):
    if rng.random() < 0.5:
        head = ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 Segoe UI;}}"
                "{\\colortbl;\\red0\\green0\\blue0;}\\uc1\\pard\\f0\\fs20 ")
        return head + rtf_escape(text, 1252, rng) + "\\par}"
    head = ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}"
            "{\\*\\generator Riched20 6.2;}\\uc1\\pard\\f0\\fs20 ")
    return head + rtf_escape(text, 936, rng) + "\\par}"


def html_body(text):
    return ('<span style="font-family:Segoe UI;color:#000000">%s</span>'
            % html.escape(text, quote=False))


class Dump:
    def __init__(self, sessions, rng):
        self.rng = rng
        self.rows = {table: [] for table in TABLES}
        addresses = []
        for s in sessions:
            for a in [s.sender] + list(s.recipients) + [l[1] for l in s.lines]:
                if a not in addresses:
                    addresses.append(a)
        self.user_ids = {a: i + 1 for i, a in enumerate(sorted(addresses))}
        for a, i in sorted(self.user_ids.items(), key=lambda item: item[1]):
            self.rows["Users"].append([str(i), a])
        ids = [1, 2, 3]
        rng.shuffle(ids)
        self.type_ids = dict(zip(["text/plain", "text/html", "text/rtf"], ids))
        for name, i in sorted(self.type_ids.items(), key=lambda item: item[1]):
            self.rows["ContentTypes"].append([str(i), name])
        self.ghost_used = False
        self.message_id = 0
        for s in sorted(sessions, key=lambda s: (s.start, s.seq, s.kind)):
            if s.kind == "im":
                self.add_p2p(s)
            else:
                self.add_conference(s)

    def body(self, text):
        r = self.rng.random()
        if r < 0.2:
            return self.type_ids["text/rtf"], rtf_body(text, self.rng)
        if r < 0.4:
            return self.type_ids["text/html"], html_body(text)
        return self.type_ids["text/plain"], text

    def sent(self, t):
        # datetime keeps ~3.33 ms: .000, .003, .007, ...
        return t.replace(microsecond=[0, 3000, 7000, 10000, 513000][self.rng.randrange(5)])

    def add_p2p(self, s):
        key = [sql_time(s.start), str(s.seq)]
        a, b = s.sender, s.recipients[0]
        msgs = [l for l in s.lines if l[0] == "msg"]
        counts = {a: 0, b: 0}
        toast_only = len(msgs) == 1 and self.rng.random() < 0.5
        for i, (_, who, t, text) in enumerate(msgs):
            counts[who] = counts.get(who, 0) + 1
            other = b if who == a else a
            to_id = str(self.user_ids[other])
            if not self.ghost_used and i == 1:
                to_id = str(GHOST_USER_ID)  # a user the Users table does not have
                self.ghost_used = True
            type_id, body = self.body(text)
            when = sql_time(self.sent(t))
            if i == 0:
                self.rows["Messages"].append(
                    key + [when, "0", str(self.user_ids[who]), to_id, str(type_id), body, "1"])
                if toast_only:
                    continue
            self.rows["Messages"].append(
                key + [when, str(i + 1), str(self.user_ids[who]), to_id, str(type_id), body,
                       "0"])
        end = msgs[-1][2] if msgs else s.start
        self.rows["SessionDetails"].append(
            key + [sql_time(s.start), sql_time(end), str(self.user_ids[a]), str(self.user_ids[b]),
                   "200", str(counts.get(a, 0)), str(counts.get(b, 0)), None, None])

    def add_conference(self, s):
        people = [s.sender] + list(s.recipients)
        uri = "sip:%s;gruu;opaque=app:conf:focus:id:%08X" % (s.sender, self.rng.getrandbits(32))
        msgs = [l for l in s.lines if l[0] == "msg"]
        end = msgs[-1][2] if msgs else s.start
        self.rows["Conferences"].append(
            [sql_time(s.start), str(s.seq), uri, str(self.user_ids[s.sender]), sql_time(s.start),
             sql_time(end)])
        for _, who, t, text in msgs:
            self.message_id += 1
            type_id, body = self.body(text)
            self.rows["ConferenceMessages"].append(
                [str(self.message_id), sql_time(s.start), sql_time(self.sent(t)),
                 str(self.user_ids[who]), str(type_id), body])
            for p in people:
                if p != who:
                    self.rows["ConferenceMessageRecipientList"].append(
                        [str(self.message_id), str(self.user_ids[p]), sql_time(s.start)])


def bcp_value(value):
    if value is None:
        return ""
    return value if value != "" else "\0"


def csv_value(value):
    if value is None:
        return ""
    if value == "" or any(c in value for c in ',"\r\n') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def non_xml_format(columns, unicode):
    host = "SQLNCHAR" if unicode else "SQLCHAR"
    zero = "\\0" if unicode else ""
    lines = ["14.0", str(len(columns))]
    for i, name in enumerate(columns):
        term = ("\\r" + zero + "\\n" + zero) if i == len(columns) - 1 else ("\\t" + zero)
        lines.append('%-4d%-12s0       0       "%s"   %-4d%-24s""'
                     % (i + 1, host, term, i + 1, name))
    return CRLF.join(lines) + CRLF


def xml_format(columns, unicode):
    kind = "NCharTerm" if unicode else "CharTerm"
    zero = "\\0" if unicode else ""
    fields, cols = [], []
    for i, name in enumerate(columns):
        term = ("\\r" + zero + "\\n" + zero) if i == len(columns) - 1 else ("\\t" + zero)
        fields.append('  <FIELD ID="%d" xsi:type="%s" TERMINATOR="%s" MAX_LENGTH="8000"/>'
                      % (i + 1, kind, term))
        cols.append('  <COLUMN SOURCE="%d" NAME="%s" xsi:type="SQLNVARCHAR"/>' % (i + 1, name))
    return ('<?xml version="1.0"?>\r\n'
            '<BCPFORMAT xmlns="http://schemas.microsoft.com/sqlserver/2004/bulkload/format" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\r\n <RECORD>\r\n'
            + CRLF.join(fields) + '\r\n </RECORD>\r\n <ROW>\r\n' + CRLF.join(cols)
            + '\r\n </ROW>\r\n</BCPFORMAT>\r\n')


def write_lcslog_dump(out_dir, sessions, variant, rng):
    """Writes the seven table files (and format files) for `sessions` into out_dir."""
    if variant not in ("bcp-char", "bcp-w", "csv"):
        raise ValueError("variant must be bcp-char, bcp-w or csv, not %r" % (variant,))
    os.makedirs(out_dir, exist_ok=True)
    dump = Dump(sessions, rng)
    for table, columns in TABLES.items():
        rows = dump.rows[table]
        if variant == "csv":
            if table == "Messages":
                order = [MESSAGES_COLUMNS.index(c) if c in MESSAGES_COLUMNS else None
                         for c in CSV_MESSAGES_COLUMNS]
                columns = CSV_MESSAGES_COLUMNS
                rows = [[row[i] if i is not None else "0" for i in order] for row in rows]
            text = ",".join(columns) + CRLF + "".join(
                ",".join(csv_value(v) for v in row) + CRLF for row in rows)
            with open(os.path.join(out_dir, table + ".csv"), "wb") as f:
                f.write(codecs.BOM_UTF8 + text.encode("utf-8"))
            continue
        unicode = variant == "bcp-w"
        text = "".join("\t".join(bcp_value(v) for v in row) + CRLF for row in rows)
        with open(os.path.join(out_dir, table + ".dat"), "wb") as f:
            f.write(text.encode("utf-16-le" if unicode else "utf-8"))
        if table in NON_XML_FORMAT:
            with open(os.path.join(out_dir, table + ".fmt"), "wb") as f:
                f.write(non_xml_format(columns, unicode).encode("ascii"))
        elif table in XML_FORMAT:
            with open(os.path.join(out_dir, table + ".xml"), "wb") as f:
                f.write(xml_format(columns, unicode).encode("ascii"))
