#!/usr/bin/env python3
"""Independent check of a Docket production package (issue 6's proof), written against the
formats rather than against Docket's code: Python's zipfile and csv, bsdtar, xmllint and
ElementTree read what Docket wrote.

usage: verify_package.py PACKAGE.zip
Checks every entry's CRC (zipfile) and that bsdtar lists the same entries; manifest.xml is well
formed (xmllint) and each ExternalFile's size and MD5 match the bytes; loadfile.dat has a BOM,
a header and the same number of þ-qualified DC4-separated fields on every line, and its hashes
and paths match the natives; Export Summary.csv lists the SHA-256 and size of every other file.
Prints a JSON description of the package for the tests to assert on; exits 1 with the reason
on the first violation.
"""
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

BOM = "\ufeff"
SEP = "\x14"
QUOTE = "\u00fe"


def fail(message):
    print("verify_package: " + message, file=sys.stderr)
    sys.exit(1)


def read_csv(data, name):
    text = data.decode("utf-8")
    if not text.startswith(BOM):
        fail(name + " has no UTF-8 byte-order mark")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def main():
    if len(sys.argv) != 2:
        fail("usage: verify_package.py PACKAGE.zip")
    path = sys.argv[1]
    with zipfile.ZipFile(path) as package:
        bad = package.testzip()
        if bad is not None:
            fail("CRC mismatch in " + bad)
        names = package.namelist()
        if len(names) != len(set(names)):
            fail("duplicate entry names")
        files = {name: package.read(name) for name in names}

    # bsdtar refuses UTF-8 entry names under the C locale.
    listed = subprocess.run(["bsdtar", "-tf", path], capture_output=True, check=True, text=True,
                            env=dict(os.environ, LC_ALL="C.UTF-8")).stdout.splitlines()
    if sorted(listed) != sorted(names):
        fail("bsdtar lists other entries than zipfile")

    for required in ("manifest.xml", "loadfile.dat", "Results.csv", "Export Summary.csv",
                     "Errors and Warnings.csv", "Unindexed Items.csv", "Duplicates.csv"):
        if required not in files:
            fail("missing " + required)

    manifest = files["manifest.xml"]
    lint = subprocess.run(["xmllint", "--noout", "-"], input=manifest, capture_output=True)
    if lint.returncode != 0:
        fail("manifest.xml is not well formed: " + lint.stderr.decode(errors="replace"))
    root = ET.fromstring(manifest)
    if root.tag != "Root" or root.get("MajorVersion") != "1" or root.get("MinorVersion") != "2":
        fail("manifest.xml is not EDRM XML 1.2")
    documents = []
    for doc in root.iter("Document"):
        entry = {"DocID": doc.get("DocID"), "DocType": doc.get("DocType"), "tags": {},
                 "files": {}, "locations": []}
        for tag in doc.iter("Tag"):
            entry["tags"][tag.get("TagName")] = tag.get("TagValue")
        for file in doc.iter("File"):
            external = file.find("ExternalFile")
            member = external.get("FilePath") + "/" + external.get("FileName")
            if member not in files:
                fail(entry["DocID"] + ": ExternalFile " + member + " is not in the zip")
            data = files[member]
            if int(external.get("FileSize")) != len(data):
                fail(member + ": FileSize " + external.get("FileSize") + " but " +
                     str(len(data)) + " bytes")
            if external.get("HashType") != "MD5" or \
                    external.get("Hash") != hashlib.md5(data).hexdigest():
                fail(member + ": Hash does not match the bytes")
            entry["files"][file.get("FileType")] = member
        for location in doc.iter("Location"):
            entry["locations"].append({child.tag: child.text for child in location})
        documents.append(entry)
    relationships = [{"type": r.get("Type"), "parent": r.get("ParentDocID"),
                      "child": r.get("ChildDocID")} for r in root.iter("Relationship")]

    dat = files["loadfile.dat"].decode("utf-8")
    if not dat.startswith(BOM):
        fail("loadfile.dat has no UTF-8 byte-order mark")
    lines = dat[1:].split("\r\n")
    if lines[-1] != "":
        fail("loadfile.dat does not end with CRLF")
    rows = []
    for number, line in enumerate(lines[:-1], start=1):
        if "\n" in line or "\r" in line:
            fail("loadfile.dat line %d holds a bare line break" % number)
        fields = line.split(SEP)
        for field in fields:
            if len(field) < 2 or field[0] != QUOTE or field[-1] != QUOTE or QUOTE in field[1:-1]:
                fail("loadfile.dat line %d: badly qualified field %r" % (number, field))
        rows.append([field[1:-1] for field in fields])
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            fail("loadfile.dat line %d has %d fields, the header %d" % (number, len(row),
                                                                        len(header)))
    dat_rows = [dict(zip(header, row)) for row in rows[1:]]
    for row in dat_rows:
        native = row.get("NATIVEPATH", "")
        if native:
            if not native.startswith(".\\"):
                fail(row["BEGBATES"] + ": NATIVEPATH is not relative: " + native)
            member = native[2:].replace("\\", "/")
            if member not in files:
                fail(row["BEGBATES"] + ": NATIVEPATH " + native + " is not in the zip")
            data = files[member]
            for column, algorithm in (("MD5HASH", hashlib.md5), ("SHA1HASH", hashlib.sha1),
                                      ("SHA256HASH", hashlib.sha256)):
                if row[column] != algorithm(data).hexdigest():
                    fail(row["BEGBATES"] + ": " + column + " does not match the native")
        text = row.get("TEXTPATH", "")
        if text and text[2:].replace("\\", "/") not in files:
            fail(row["BEGBATES"] + ": TEXTPATH " + text + " is not in the zip")

    summary = read_csv(files["Export Summary.csv"], "Export Summary.csv")
    settings = {}
    listed_files = {}
    in_files = False
    for row in summary:
        if row == ["File", "Size", "SHA256"]:
            in_files = True
        elif in_files and len(row) == 3:
            listed_files[row[0]] = (int(row[1]), row[2])
        elif not in_files and len(row) == 2:
            settings[row[0]] = row[1]
    others = set(names) - {"Export Summary.csv"}
    if set(listed_files) != others:
        fail("Export Summary.csv lists %s, the package holds %s" % (
            sorted(set(listed_files) ^ others)[:5], "other files"))
    for name, (size, sha256) in listed_files.items():
        if len(files[name]) != size or hashlib.sha256(files[name]).hexdigest() != sha256:
            fail("Export Summary.csv: size or SHA-256 of " + name + " does not match")

    def report(name):
        table = read_csv(files[name], name)
        return [dict(zip(table[0], row)) for row in table[1:]]

    print(json.dumps({
        "entries": sorted(names),
        "documents": documents,
        "relationships": relationships,
        "dat_header": header,
        "dat": dat_rows,
        "summary": settings,
        "results": report("Results.csv"),
        "errors": report("Errors and Warnings.csv"),
        "unindexed": report("Unindexed Items.csv"),
        "duplicates": report("Duplicates.csv"),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
