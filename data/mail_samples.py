#!/usr/bin/env python3
"""Mail containers for Docket's tests and sample corpus: MBOX, TNEF (winmail.dat) and PST.

Standard library only, deterministic output (no clocks, no randomness). Docket's readers are
tested against these files, so the writers follow the format documents ([MS-OXTNEF], RFC 4155,
[MS-PST]) rather than Docket's code.

    make_mbox([eml_bytes, ...]) -> bytes                  mboxrd, ">From " quoted
    make_tnef(subject, body, [(name, bytes), ...]) -> bytes

PST files come from data/pst_writer.py (a minimal [MS-PST] writer that libpff reads), which the
PstReader tests run at test time.

Command line (used by the tests): python3 mail_samples.py tnef|mbox OUT_FILE
writes the fixture that tests/indexer/*_test.cc expect.
"""

import re
import struct
import sys

# --- MBOX (RFC 4155, mboxrd quoting) ----------------------------------------------------------

_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)


def make_mbox(messages_bytes, sender=b"MAILER-DAEMON", date=b"Mon Jun  3 09:15:02 2013"):
    """One mailbox holding each RFC 5322 message; every ">*From " line gains one '>'."""
    out = bytearray()
    for message in messages_bytes:
        body = _FROM_LINE.sub(rb">\1", message)
        if not body.endswith(b"\n"):
            body += b"\n"
        out += b"From " + sender + b" " + date + b"\n" + body + b"\n"
    return bytes(out)


# --- TNEF ([MS-OXTNEF]) -----------------------------------------------------------------------

TNEF_SIGNATURE = 0x223E9F78
LVL_MESSAGE = 1
LVL_ATTACHMENT = 2


def _att(atp, att_id):
    return (atp << 16) | att_id


ATT_TNEF_VERSION = _att(0x0008, 0x9006)
ATT_OEM_CODEPAGE = _att(0x0006, 0x9007)
ATT_MESSAGE_CLASS = _att(0x0007, 0x8008)
ATT_SUBJECT = _att(0x0001, 0x8004)
ATT_DATE_SENT = _att(0x0003, 0x8005)
ATT_BODY = _att(0x0002, 0x800C)
ATT_MAPI_PROPS = _att(0x0006, 0x9003)
ATT_ATTACH_REND_DATA = _att(0x0006, 0x9002)
ATT_ATTACH_TITLE = _att(0x0001, 0x8010)
ATT_ATTACH_DATA = _att(0x0006, 0x800F)
ATT_ATTACHMENT = _att(0x0006, 0x9005)

PT_LONG = 0x0003
PT_OBJECT = 0x000D
PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_SYSTIME = 0x0040
PT_BINARY = 0x0102

PR_MESSAGE_CLASS = 0x001A
PR_SUBJECT = 0x0037
PR_BODY = 0x1000
PR_RTF_COMPRESSED = 0x1009
PR_HTML = 0x1013
PR_ATTACH_DATA_OBJ = 0x3701
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_MIME_TAG = 0x370E


def _tnef_attribute(level, att_id, data):
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BII", level, att_id, len(data)) + data + struct.pack("<H", checksum)


def _pad4(data):
    return data + b"\0" * (-len(data) % 4)


def _mapi_props(props):
    """[MS-OXTNEF] 2.1.3.4 MsgPropertyList: count, then (type, id, value) per property."""
    out = bytearray(struct.pack("<I", len(props)))
    for prop_type, prop_id, value in props:
        out += struct.pack("<HH", prop_type, prop_id)
        if prop_type == PT_LONG:
            out += struct.pack("<I", value)
        elif prop_type == PT_SYSTIME:
            out += struct.pack("<Q", value)
        elif prop_type in (PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT):
            if prop_type == PT_UNICODE:
                value = value.encode("utf-16-le") + b"\0\0"
            elif prop_type == PT_STRING8:
                value = value + b"\0"
            out += struct.pack("<II", 1, len(value)) + _pad4(value)
        else:
            raise ValueError("unsupported property type %#x" % prop_type)
    return bytes(out)


_RTF_DICTIONARY_START = 207  # length of the [MS-OXRTFCP] 2.2.1 initial dictionary text


def _rtf_crc(data):
    """[MS-OXRTFCP] 3.1.3.2: CRC-32 table update starting from 0, no final inversion."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xEDB88320 if crc & 1 else 0)
    return crc


def compressed_rtf(rtf):
    """PR_RTF_COMPRESSED, COMPTYPE "LZFu": literal runs only (valid, if not small), closed by
    the end-of-stream reference to the current dictionary write position."""
    out = bytearray()
    write = _RTF_DICTIONARY_START
    for start in range(0, len(rtf) + 1, 8):
        chunk = rtf[start:start + 8]
        if len(chunk) == 8:
            out += b"\0" + chunk
            write = (write + 8) % 4096
            continue
        end_marker = struct.pack(">H", ((write + len(chunk)) % 4096) << 4)
        out += bytes([1 << len(chunk)]) + chunk + end_marker
        break
    return struct.pack("<IIII", len(out) + 12, len(rtf), 0x75465A4C, _rtf_crc(out)) + bytes(out)


def make_tnef(subject, body, attachments, message_class="IPM.Note", html=None, rtf=None,
              key=0x1234):
    """A winmail.dat: the legacy attributes (8-bit subject and body, attAttachTitle /
    attAttachData per attachment) plus the MAPI properties that carry Unicode (PR_SUBJECT_W,
    PR_BODY_W, PR_ATTACH_LONG_FILENAME_W). `attachments` holds (long_name, bytes) pairs or
    (long_name, bytes, mime_type) triples."""
    out = bytearray(struct.pack("<IH", TNEF_SIGNATURE, key))
    out += _tnef_attribute(LVL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += _tnef_attribute(LVL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0))
    out += _tnef_attribute(LVL_MESSAGE, ATT_MESSAGE_CLASS, message_class.encode("ascii") + b"\0")
    out += _tnef_attribute(LVL_MESSAGE, ATT_SUBJECT,
                           subject.encode("cp1252", "replace") + b"\0")
    # attDateSent: a dtr (year, month, day, hour, minute, second, weekday)
    out += _tnef_attribute(LVL_MESSAGE, ATT_DATE_SENT,
                           struct.pack("<7H", 2013, 6, 3, 9, 15, 2, 1))
    out += _tnef_attribute(LVL_MESSAGE, ATT_BODY, body.encode("cp1252", "replace"))
    props = [(PT_UNICODE, PR_MESSAGE_CLASS, message_class),
             (PT_UNICODE, PR_SUBJECT, subject),
             (PT_UNICODE, PR_BODY, body)]
    if html is not None:
        props.append((PT_BINARY, PR_HTML, html.encode("utf-8")))
    if rtf is not None:
        props.append((PT_BINARY, PR_RTF_COMPRESSED, compressed_rtf(rtf)))
    out += _tnef_attribute(LVL_MESSAGE, ATT_MAPI_PROPS, _mapi_props(props))
    for attachment in attachments:
        name, data = attachment[0], attachment[1]
        mime_type = attachment[2] if len(attachment) > 2 else None
        # attAttachRendData starts each attachment: atyp 1 (file), position -1, no icon size.
        out += _tnef_attribute(LVL_ATTACHMENT, ATT_ATTACH_REND_DATA,
                               struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0))
        short = name.encode("cp1252", "replace")[:12]  # the 8.3-era title, lossy on purpose
        out += _tnef_attribute(LVL_ATTACHMENT, ATT_ATTACH_TITLE, short + b"\0")
        out += _tnef_attribute(LVL_ATTACHMENT, ATT_ATTACH_DATA, data)
        attach_props = [(PT_UNICODE, PR_ATTACH_LONG_FILENAME, name)]
        if mime_type:
            attach_props.append((PT_STRING8, PR_ATTACH_MIME_TAG, mime_type.encode("ascii")))
        out += _tnef_attribute(LVL_ATTACHMENT, ATT_ATTACHMENT, _mapi_props(attach_props))
    return bytes(out)


# --- fixtures the tests ask for --------------------------------------------------------------

def test_tnef():
    return make_tnef(
        "Quarterly report – Q2 报告",
        "Hallo Bob, der Bericht für Q2 ist angehängt.\r\n季度报告见附件。",
        [("Quarterly Report 2013.xlsx", b"PK\x03\x04 fake xlsx bytes",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         ("notes.txt", b"plain attachment\n")],
        message_class="IPM.Microsoft Mail.Note",
        html="<html><body><p>Hallo <b>Bob</b></p></body></html>",
        rtf=b"{\\rtf1\\ansi Hallo RTF Bob\\par}")


def main(argv):
    if len(argv) != 3 or argv[1] not in ("tnef", "mbox"):
        sys.stderr.write("usage: mail_samples.py tnef|mbox OUT_FILE\n")
        return 2
    if argv[1] == "tnef":
        data = test_tnef()
    else:
        data = make_mbox([b"From: a@x.com\nSubject: one\n\nFrom the start\n>From quoted\n",
                          b"From: b@x.com\nSubject: two\n\nsecond"])
    with open(argv[2], "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
