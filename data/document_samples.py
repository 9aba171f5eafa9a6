#!/usr/bin/env python3
"""Minimal Office Open XML (docx, pptx, xlsx) and PDF files, for meeting uploads and attachments.

Python 3 standard library only, and deterministic: the same arguments give the same bytes (zip
members carry a fixed timestamp and are written in a fixed order; the PDF has no dates or IDs
unless asked for). The files hold only the parts a text extractor needs (Docket's, Apache Tika,
LibreOffice's import): no styles, themes or slide masters, so Office itself may call a deck or
a workbook damaged and offer to repair it.

    import document_samples as ds
    ds.make_docx(["Agenda", "会议纪要"], title="Q2 review", author="Alice")  -> bytes
    ds.make_pptx([["Title", "bullet"], ["Second slide"]])                    -> bytes
    ds.make_xlsx({"Budget": [["Item", "Cost"], ["Rent", 1200.5]]})          -> bytes
    ds.make_pdf(["Page one text", "Page two text"])                          -> bytes

Run as a script to write the fixed samples Docket's tests read:
    python3 data/document_samples.py --out DIR
"""

import argparse
import io
import os
import textwrap
import zipfile
from xml.sax.saxutils import escape, quoteattr

ZIP_TIME = (2013, 6, 3, 9, 15, 2)
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CORE_REL = ("http://schemas.openxmlformats.org/package/2006/relationships/"
            "metadata/core-properties")
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OOXML = "application/vnd.openxmlformats-officedocument."


def _zip(members):
    """members: list of (name, text or bytes) -> zip bytes, in the given order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return out.getvalue()


def _relationships(rels):
    """rels: list of (id, type, target); a type without a scheme is an officeDocument one."""
    body = "".join(
        "<Relationship Id=%s Type=%s Target=%s/>"
        % (quoteattr(rid), quoteattr(kind if "://" in kind else OFFICE_REL + "/" + kind),
           quoteattr(target))
        for rid, kind, target in rels)
    return XML_DECL + '<Relationships xmlns="%s">%s</Relationships>' % (REL_NS, body)


def _content_types(overrides):
    """overrides: list of (part name without the leading '/', content type)."""
    body = ('<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>')
    body += "".join('<Override PartName="/%s" ContentType="%s"/>' % (part, kind)
                    for part, kind in overrides)
    return XML_DECL + '<Types xmlns="%s">%s</Types>' % (CT_NS, body)


def _core_properties(title, author, created):
    fields = ""
    if title is not None:
        fields += "<dc:title>%s</dc:title>" % escape(title)
    if author is not None:
        fields += "<dc:creator>%s</dc:creator>" % escape(author)
    if created is not None:
        fields += '<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>' % created
    return (XML_DECL + '<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">%s</cp:coreProperties>'
            % fields)


def _package(main_part, main_type, parts, title=None, author=None, created=None):
    """The members every package shares around `parts` (list of (name, xml, type or None))."""
    overrides = [(main_part, main_type)] + [(n, t) for n, _, t in parts if t]
    package_rels = [("rId1", "officeDocument", main_part)]
    members = []
    if title is not None or author is not None or created is not None:
        overrides.append(("docProps/core.xml",
                          "application/vnd.openxmlformats-package.core-properties+xml"))
        package_rels.append(("rId2", CORE_REL, "docProps/core.xml"))
        members.append(("docProps/core.xml", _core_properties(title, author, created)))
    return ([("[Content_Types].xml", _content_types(overrides)),
             ("_rels/.rels", _relationships(package_rels))] + members +
            [(name, xml) for name, xml, _ in parts])


def _word_runs(text):
    """One paragraph's text as runs: '\\t' becomes <w:tab/>, '\\n' <w:br/>."""
    runs = []
    for i, line in enumerate(text.split("\n")):
        if i:
            runs.append("<w:r><w:br/></w:r>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                runs.append("<w:r><w:tab/></w:r>")
            if piece:
                runs.append('<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % escape(piece))
    return "".join(runs)


def make_docx(paragraphs, title=None, author=None, created=None):
    """A Word document with one paragraph per string. `created` is W3CDTF text, e.g.
    "2013-06-03T09:15:02Z"; title, author and created go to docProps/core.xml."""
    body = "".join("<w:p>%s</w:p>" % _word_runs(p) for p in paragraphs)
    document = (XML_DECL + '<w:document xmlns:w="%s" xmlns:r="%s"><w:body>%s</w:body>'
                '</w:document>' % (W_NS, OFFICE_REL, body))
    parts = [("word/document.xml", document, None),
             ("word/_rels/document.xml.rels", _relationships([]), None)]
    return _zip(_package("word/document.xml", OOXML + "wordprocessingml.document.main+xml",
                         parts, title, author, created))


def _text_body(paragraphs):
    return "".join('<a:p><a:r><a:rPr lang="en-US"/><a:t>%s</a:t></a:r></a:p>' % escape(p)
                   for p in paragraphs)


def make_pptx(slides, title=None, author=None):
    """A presentation: `slides` is a list of slides, each a list of paragraph strings (the
    first is drawn as the title shape, the rest as the body)."""
    slide_ids, pres_rels, parts = [], [], []
    for number, paragraphs in enumerate(slides, start=1):
        shapes = ""
        for shape_id, text in ((2, paragraphs[:1]), (3, paragraphs[1:])):
            if text:
                shapes += ('<p:sp><p:nvSpPr><p:cNvPr id="%d" name="Text %d"/><p:cNvSpPr/>'
                           '<p:nvPr/></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/>%s</p:txBody>'
                           '</p:sp>' % (shape_id, shape_id, _text_body(text)))
        slide = (XML_DECL + '<p:sld xmlns:a="%s" xmlns:p="%s" xmlns:r="%s"><p:cSld><p:spTree>'
                 '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
                 '<p:grpSpPr/>%s</p:spTree></p:cSld></p:sld>' % (A_NS, P_NS, OFFICE_REL, shapes))
        name = "ppt/slides/slide%d.xml" % number
        parts.append((name, slide, OOXML + "presentationml.slide+xml"))
        pres_rels.append(("rId%d" % number, "slide", "slides/slide%d.xml" % number))
        slide_ids.append('<p:sldId id="%d" r:id="rId%d"/>' % (255 + number, number))
    presentation = (XML_DECL + '<p:presentation xmlns:a="%s" xmlns:p="%s" xmlns:r="%s">'
                    '<p:sldIdLst>%s</p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/>'
                    '<p:notesSz cx="6858000" cy="9144000"/></p:presentation>'
                    % (A_NS, P_NS, OFFICE_REL, "".join(slide_ids)))
    parts = ([("ppt/presentation.xml", presentation, None),
              ("ppt/_rels/presentation.xml.rels", _relationships(pres_rels), None)] + parts)
    return _zip(_package("ppt/presentation.xml", OOXML + "presentationml.presentation.main+xml",
                         parts, title, author))


def _column_name(index):
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def make_xlsx(sheets, title=None, author=None):
    """A workbook: `sheets` maps sheet name -> rows, each a list of cells (str, int, float,
    bool or None), in the dict's order. Strings go to the shared string table."""
    shared, shared_index = [], {}
    sheet_entries, wb_rels, parts = [], [], []
    for number, (sheet_name, rows) in enumerate(sheets.items(), start=1):
        xml_rows = []
        for r, row in enumerate(rows, start=1):
            cells = []
            for c, value in enumerate(row):
                ref = "%s%d" % (_column_name(c), r)
                if value is None:
                    continue
                if isinstance(value, bool):
                    cells.append('<c r="%s" t="b"><v>%d</v></c>' % (ref, int(value)))
                elif isinstance(value, (int, float)):
                    cells.append('<c r="%s"><v>%s</v></c>' % (ref, repr(value)))
                else:
                    if value not in shared_index:
                        shared_index[value] = len(shared)
                        shared.append(value)
                    cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, shared_index[value]))
            xml_rows.append('<row r="%d">%s</row>' % (r, "".join(cells)))
        sheet = (XML_DECL + '<worksheet xmlns="%s" xmlns:r="%s"><sheetData>%s</sheetData>'
                 '</worksheet>' % (S_NS, OFFICE_REL, "".join(xml_rows)))
        parts.append(("xl/worksheets/sheet%d.xml" % number, sheet,
                      OOXML + "spreadsheetml.worksheet+xml"))
        wb_rels.append(("rId%d" % number, "worksheet", "worksheets/sheet%d.xml" % number))
        sheet_entries.append('<sheet name=%s sheetId="%d" r:id="rId%d"/>'
                             % (quoteattr(sheet_name), number, number))
    strings = "".join('<si><t xml:space="preserve">%s</t></si>' % escape(s) for s in shared)
    parts.append(("xl/sharedStrings.xml",
                  XML_DECL + '<sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>'
                  % (S_NS, len(shared), len(shared), strings),
                  OOXML + "spreadsheetml.sharedStrings+xml"))
    wb_rels.append(("rId%d" % (len(sheets) + 1), "sharedStrings", "sharedStrings.xml"))
    workbook = (XML_DECL + '<workbook xmlns="%s" xmlns:r="%s"><sheets>%s</sheets></workbook>'
                % (S_NS, OFFICE_REL, "".join(sheet_entries)))
    parts = ([("xl/workbook.xml", workbook, None),
              ("xl/_rels/workbook.xml.rels", _relationships(wb_rels), None)] + parts)
    return _zip(_package("xl/workbook.xml", OOXML + "spreadsheetml.sheet.main+xml", parts,
                         title, author))


def _pdf_literal(text):
    """A PDF literal string in WinAnsi (Helvetica's encoding); other characters become '?'."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _pdf_info_string(text):
    """Info dictionary strings: UTF-16BE with a byte-order mark covers every script."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def make_pdf(pages, title=None, author=None, width=90):
    """A PDF with one page per string, set in 11 pt Helvetica; '\\n' starts a line and longer
    lines are wrapped at `width` characters. Text is WinAnsi (Latin); title and author may be
    any script."""
    objects = []  # bodies of objects 1..n

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    page_tree = add(None)
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    kids = []
    for text in pages:
        lines = []
        for line in text.split("\n"):
            lines.extend(textwrap.wrap(line, width) or [""])
        content = b"BT /F1 11 Tf 14 TL 56 760 Td\n"
        for line in lines[:52]:
            content += _pdf_literal(line) + b" Tj T*\n"
        content += b"ET\n"
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                        b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                        % (page_tree, font, stream)))
    objects[page_tree - 1] = (b"<< /Type /Pages /Kids [" +
                              b" ".join(b"%d 0 R" % k for k in kids) +
                              b"] /Count %d >>" % len(kids))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % page_tree
    info = None
    if title is not None or author is not None:
        entries = b""
        if title is not None:
            entries += b" /Title " + _pdf_info_string(title)
        if author is not None:
            entries += b" /Author " + _pdf_info_string(author)
        info = add(b"<<" + entries + b" >>")

    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info is not None:
        pdf += b" /Info %d 0 R" % info
    pdf += b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return pdf


# The fixed samples that tests/indexer/{ooxml,pdf}_text_test.cc read back.
SAMPLES = {
    "sample.docx": lambda: make_docx(
        ["Meeting minutes", "会议纪要 – 議事録", "Итоги\tمرحبا", "Line one\nLine two 👋"],
        title="Q2 review", author="Alice Smith", created="2013-06-03T09:15:02Z"),
    "sample.pptx": lambda: make_pptx(
        [["Agenda", "Budget (預算)", "Hiring"], ["Next steps"], ["Вопросы? 🙋"]]),
    "sample.xlsx": lambda: make_xlsx(
        {"Budget": [["Item", "Cost", "Approved"], ["Rent", 1200.5, True], ["Total", 1200.5]],
         "Notes & 备注": [["Reviewed by Bob"], [None, 42]]}),
    "sample.pdf": lambda: make_pdf(
        ["Quarterly review\nRevenue grew (slightly) in Q2. Caf\u00e9 na\u00efve.",
         "Second page " + "words " * 30],
        title="Q2 review 评审", author="Alice Smith"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="directory to write the samples into")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, build in SAMPLES.items():
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(build())


if __name__ == "__main__":
    main()
