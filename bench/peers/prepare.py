#!/usr/bin/env python3
"""Untimed preparation for bench/peers/run: turn a generated corpus into the inputs the peers need.

    prepare.py maildir CORPUS OUT   every .eml of CORPUS (loose, in zips, in zips in zips, in
                                    tar.gz) copied to the maildir OUT/cur/ under a unique name
    prepare.py extract CORPUS OUT   the same messages decoded with the stdlib email package,
                                    one UTF-8 text file per message in OUT/ (for xapian_floor)

Both print one line, "messages=N bytes=B", where B is the bytes written.

Extraction keeps what a search engine would index: the From, To, Cc and Subject headers
(RFC 2047 decoded), every text/plain part, every text/* attachment (csv, txt), and every
text/html part turned into text with html.parser, except an HTML alternative of a text/plain
part already taken.
"""
import email
import email.errors
import email.header
import html.parser
import io
import os
import sys
import tarfile
import zipfile


def iter_messages(corpus):
    """Yields (name, bytes) for every .eml under CORPUS, in a stable order."""
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, corpus)
            if name.endswith(".eml"):
                with open(path, "rb") as f:
                    yield rel, f.read()
            elif name.endswith(".zip"):
                with open(path, "rb") as f:
                    yield from iter_zip(rel, f.read())
            elif name.endswith((".tar.gz", ".tgz", ".tar")):
                yield from iter_tar(rel, path)


def iter_zip(label, data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if info.is_dir():
                continue
            inner = "%s!/%s" % (label, info.filename)
            if info.filename.endswith(".eml"):
                yield inner, z.read(info)
            elif info.filename.endswith(".zip"):
                yield from iter_zip(inner, z.read(info))


def iter_tar(label, path):
    with tarfile.open(path) as t:
        for member in t:
            if member.isfile() and member.name.endswith(".eml"):
                yield "%s!/%s" % (label, member.name), t.extractfile(member).read()


class _TextOfHtml(html.parser.HTMLParser):
    """Character data of an HTML document; block elements and <br> become line breaks."""
    _BREAKS = {"br", "p", "div", "li", "tr", "td", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(markup):
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def header_text(value):
    """An RFC 2047 header value as text; undecodable words are kept as they are."""
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (LookupError, UnicodeError, email.errors.HeaderParseError):
        return str(value)


def part_text(part):
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


def message_text(data):
    # The compat32 policy: policy.default parses every header into objects and takes 4 times as
    # long, which at 100 000 messages is many minutes spent before the clock even starts.
    msg = email.message_from_bytes(data)
    out = []
    for header in ("From", "To", "Cc", "Subject"):
        value = msg.get(header)
        if value:
            out.append(header_text(value))
    plain_alternatives = set()  # ids of multipart/alternative parts that hold a text/plain
    for part in msg.walk():
        if part.get_content_type() == "multipart/alternative" and any(
                child.get_content_type() == "text/plain" for child in part.get_payload()):
            plain_alternatives.update(id(child) for child in part.get_payload())
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        text = part_text(part)
        if part.get_content_subtype() == "html":
            if id(part) in plain_alternatives:
                continue
            text = html_to_text(text)
        out.append(text)
    return "\n".join(out)


def main(argv):
    if len(argv) != 4 or argv[1] not in ("maildir", "extract"):
        sys.stderr.write(__doc__)
        return 2
    mode, corpus, out = argv[1], argv[2], argv[3]
    target = os.path.join(out, "cur") if mode == "maildir" else out
    os.makedirs(target, exist_ok=True)
    if mode == "maildir":
        for sub in ("new", "tmp"):
            os.makedirs(os.path.join(out, sub), exist_ok=True)
    count = 0
    written = 0
    for _, data in iter_messages(corpus):
        count += 1
        if mode == "maildir":
            # Maildir names: unique, with the ":2," info suffix of a message that has been seen.
            path = os.path.join(target, "%08d.docket-bench:2," % count)
            payload = data
        else:
            path = os.path.join(target, "%08d.txt" % count)
            payload = message_text(data).encode("utf-8")
        with open(path, "wb") as f:
            f.write(payload)
        written += len(payload)
    print("messages=%d bytes=%d" % (count, written))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
