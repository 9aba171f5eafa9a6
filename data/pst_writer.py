#!/usr/bin/env python3
"""A minimal Unicode PST writer ([MS-PST]) for Docket's tests. Standard library only.

    write_pst(path, [(folder_name, [message, ...]), ...])

Each message is a dict: message_class, subject, sender_name, sender_email, to (a list of
(name, email)), body (plain text), submit_time (an aware UTC datetime), and optionally html (str),
transport_headers (str), message_id (str), attachments (a list of (file_name, bytes)) and
html_codepage (the Windows code page the HTML is stored in; 65001, UTF-8, by default).

    python3 data/pst_writer.py OUT.pst

writes the sample that tests/indexer/pst_reader_test.cc expects (see SAMPLE_FOLDERS).

What is written, and why no more: the file is what libpff (and so PstReader) needs to open a PST
and walk its folders and items, laid out the way Outlook lays it out so that other readers accept
it too. From the bottom up:

  NDB layer   the 564-byte header with both CRCs; AMap pages (and a PMap page on every eighth
              AMap interval, as Outlook writes them); data blocks with block trailers; XBLOCKs
              for data over one block; SLBLOCKs for subnodes; the node B-tree (NBT) and block
              B-tree (BBT) as 512-byte pages with page trailers.
  LTP layer   Heap-on-Node (one block per heap), BTree-on-Heap, Property Contexts (PC) and
              Table Contexts (TC). A value too big for the heap goes into a subnode.
  Messaging   the message store (NID 0x21); the root folder (0x122) with its hierarchy,
              contents and associated contents tables; "Top of Personal Folders" (the IPM
              subtree) holding the caller's folders; each message with its recipient table,
              attachment table and attachment objects as subnodes.

Not written: the name-to-id map (libpff treats a missing one as empty; no named properties are
stored), search folders and the other special nodes Outlook creates, and DList/FMap/FPMap pages;
without FMaps the file must stay below about 31 MiB (write_pst raises beyond that).
Nothing is encrypted (bCryptMethod NDB_CRYPT_NONE). Output is deterministic: node ids, block ids
and record keys are fixed, and every time comes from the messages.
"""

import datetime
import struct
import sys
import zlib

# --- Constants from [MS-PST] ----------------------------------------------------------------

PAGE_SIZE = 512
BLOCK_MAX = 8192 - 16  # the largest data block payload: 8 KiB minus the block trailer
HEAP_VALUE_MAX = 1024  # larger values go into subnodes; keeps every heap inside one block
FIRST_AMAP = 0x4400  # the first AMap page; the PMap follows, then blocks and pages
AMAP_COVERAGE = 496 * 8 * 64  # bytes mapped by one AMap page (including itself)

PTYPE_BBT, PTYPE_NBT, PTYPE_PMAP, PTYPE_AMAP = 0x80, 0x81, 0x83, 0x84

# NID types (the low five bits of a node id).
NID_TYPE_NORMAL_FOLDER = 0x02
NID_TYPE_NORMAL_MESSAGE = 0x04
NID_TYPE_ATTACHMENT = 0x05
NID_TYPE_LTP = 0x1F
NID_MESSAGE_STORE = 0x21
NID_ROOT_FOLDER = 0x122
NID_ATTACHMENT_TABLE = 0x671
NID_RECIPIENT_TABLE = 0x692
# A folder's tables have the folder's index with these types (libpff looks them up as nid+11..13).
NID_TYPE_HIERARCHY_TABLE = 0x0D
NID_TYPE_CONTENTS_TABLE = 0x0E
NID_TYPE_ASSOC_CONTENTS_TABLE = 0x0F

# Property types.
PT_LONG = 0x0003
PT_BOOLEAN = 0x000B
PT_UNICODE = 0x001F
PT_SYSTIME = 0x0040
PT_BINARY = 0x0102


def _tag(prop_id, prop_type):
    return (prop_id << 16) | prop_type


# Property tags ([MS-OXPROPS]) used below.
PR_IMPORTANCE = _tag(0x0017, PT_LONG)
PR_MESSAGE_CLASS = _tag(0x001A, PT_UNICODE)
PR_SUBJECT = _tag(0x0037, PT_UNICODE)
PR_CLIENT_SUBMIT_TIME = _tag(0x0039, PT_SYSTIME)
PR_SENT_REPRESENTING_NAME = _tag(0x0042, PT_UNICODE)
PR_SENT_REPRESENTING_EMAIL = _tag(0x0065, PT_UNICODE)
PR_TRANSPORT_MESSAGE_HEADERS = _tag(0x007D, PT_UNICODE)
PR_RECIPIENT_TYPE = _tag(0x0C15, PT_LONG)
PR_SENDER_NAME = _tag(0x0C1A, PT_UNICODE)
PR_SENDER_ADDRTYPE = _tag(0x0C1E, PT_UNICODE)
PR_SENDER_EMAIL = _tag(0x0C1F, PT_UNICODE)
PR_DISPLAY_TO = _tag(0x0E04, PT_UNICODE)
PR_MESSAGE_DELIVERY_TIME = _tag(0x0E06, PT_SYSTIME)
PR_MESSAGE_FLAGS = _tag(0x0E07, PT_LONG)
PR_MESSAGE_SIZE = _tag(0x0E08, PT_LONG)
PR_HASATTACH = _tag(0x0E1B, PT_BOOLEAN)
PR_ATTACH_SIZE = _tag(0x0E20, PT_LONG)
PR_RECORD_KEY = _tag(0x0FF9, PT_BINARY)
PR_OBJECT_TYPE = _tag(0x0FFE, PT_LONG)
PR_BODY = _tag(0x1000, PT_UNICODE)
PR_HTML = _tag(0x1013, PT_BINARY)
PR_INTERNET_MESSAGE_ID = _tag(0x1035, PT_UNICODE)
PR_ROWID = _tag(0x3000, PT_LONG)
PR_DISPLAY_NAME = _tag(0x3001, PT_UNICODE)
PR_ADDRTYPE = _tag(0x3002, PT_UNICODE)
PR_EMAIL_ADDRESS = _tag(0x3003, PT_UNICODE)
PR_CREATION_TIME = _tag(0x3007, PT_SYSTIME)
PR_LAST_MODIFICATION_TIME = _tag(0x3008, PT_SYSTIME)
PR_VALID_FOLDER_MASK = _tag(0x35DF, PT_LONG)
PR_IPM_SUBTREE_ENTRYID = _tag(0x35E0, PT_BINARY)
PR_CONTENT_COUNT = _tag(0x3602, PT_LONG)
PR_CONTENT_UNREAD = _tag(0x3603, PT_LONG)
PR_SUBFOLDERS = _tag(0x360A, PT_BOOLEAN)
PR_CONTAINER_CLASS = _tag(0x3613, PT_UNICODE)
PR_ATTACH_DATA_BIN = _tag(0x3701, PT_BINARY)
PR_ATTACH_EXTENSION = _tag(0x3703, PT_UNICODE)
PR_ATTACH_FILENAME = _tag(0x3704, PT_UNICODE)
PR_ATTACH_METHOD = _tag(0x3705, PT_LONG)
PR_ATTACH_LONG_FILENAME = _tag(0x3707, PT_UNICODE)
PR_RENDERING_POSITION = _tag(0x370B, PT_LONG)
PR_ATTACH_MIME_TAG = _tag(0x370E, PT_UNICODE)
PR_DISPLAY_TYPE = _tag(0x3900, PT_LONG)
PR_SMTP_ADDRESS = _tag(0x39FE, PT_UNICODE)
PR_INTERNET_CPID = _tag(0x3FDE, PT_LONG)
PR_MESSAGE_CODEPAGE = _tag(0x3FFD, PT_LONG)
PR_LTP_ROW_ID = _tag(0x67F2, PT_LONG)
PR_LTP_ROW_VER = _tag(0x67F3, PT_LONG)

MSGFLAG_READ = 0x01
MSGFLAG_HASATTACH = 0x10
MAPI_TO = 1
MAPI_MAILUSER = 6
ATTACH_BY_VALUE = 1
CP_UTF8 = 65001
FOLDER_IPM_SUBTREE_VALID = 0x1

# The store's record key; entry ids of its folders embed it. Any fixed 16 bytes will do.
STORE_RECORD_KEY = bytes(range(0x10, 0x20))

# The few media types the sample needs; mimetypes would read /etc/mime.types and so depend on
# the machine.
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".html": "text/html",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
}


def crc32(data):
    """[MS-PST] 5.3 CRC: the zlib polynomial, but starting from 0 and without the final XOR."""
    return zlib.crc32(data, 0xFFFFFFFF) ^ 0xFFFFFFFF


def signature(ib, bid):
    """[MS-PST] 5.5 ComputeSig: the wSig of a block or B-tree page at offset ib."""
    value = ib ^ bid
    return ((value >> 16) ^ value) & 0xFFFF


def filetime(moment):
    """A UTC datetime as a FILETIME (100 ns ticks since 1601-01-01), in integers so it is exact."""
    delta = moment - datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def _align(value, unit):
    return (value + unit - 1) // unit * unit


# --- LTP layer: Heap-on-Node, BTree-on-Heap, PC and TC --------------------------------------


class Node:
    """A node (top level in the NBT, or a subnode in an SLBLOCK): its data and its subnodes."""

    def __init__(self, nid, data, parent=0):
        self.nid = nid
        self.data = data
        self.parent = parent  # only meaningful for top-level nodes
        self.subnodes = []

    def subnode_nid(self):
        """A fresh subnode id for a value that did not fit in the heap."""
        return ((0x400 + len(self.subnodes)) << 5) | NID_TYPE_LTP


class Heap:
    """[MS-PST] 2.3.1 Heap-on-Node in a single block: HNHDR, allocations, HNPAGEMAP."""

    def __init__(self, client_signature):
        self.client_signature = client_signature
        self.allocations = []

    def allocate(self, data):
        """Returns the HID of `data`: hidType 0, 1-based hidIndex, block index 0."""
        self.allocations.append(bytes(data))
        return len(self.allocations) << 5

    def build(self, user_root):
        offsets = [12]  # allocations start right after the 12-byte HNHDR, unpadded
        for allocation in self.allocations:
            offsets.append(offsets[-1] + len(allocation))
        page_map_offset = _align(offsets[-1], 2)
        page_map = struct.pack("<HH", len(self.allocations), 0) + b"".join(
            struct.pack("<H", offset) for offset in offsets
        )
        data = bytearray(
            struct.pack("<HBBII", page_map_offset, 0xEC, self.client_signature, user_root, 0)
        )
        for allocation in self.allocations:
            data += allocation
        data += b"\0" * (page_map_offset - len(data)) + page_map
        if len(data) > BLOCK_MAX:
            raise ValueError("heap of %d bytes does not fit one block" % len(data))
        return bytes(data)


def bth(heap, key_size, entry_size, records):
    """[MS-PST] 2.3.2 BTree-on-Heap with one leaf level; returns the BTHHEADER's HID.

    `records` are (key bytes, value bytes), already sorted by key. No records: hidRoot 0."""
    leaf = b"".join(key + value for key, value in records)
    if len(leaf) > 3580:
        raise ValueError("BTH leaf too large for one heap allocation")
    root = heap.allocate(leaf) if records else 0
    return heap.allocate(struct.pack("<BBBBI", 0xB5, key_size, entry_size, 0, root))


def _encode(tag, value):
    """The stored bytes of a property value."""
    prop_type = tag & 0xFFFF
    if prop_type == PT_LONG:
        return struct.pack("<I", value & 0xFFFFFFFF)
    if prop_type == PT_BOOLEAN:
        return struct.pack("<B", 1 if value else 0)
    if prop_type == PT_SYSTIME:
        return struct.pack("<Q", filetime(value))
    if prop_type == PT_UNICODE:
        return value.encode("utf-16-le")
    if prop_type == PT_BINARY:
        return bytes(value)
    raise ValueError("unsupported property type 0x%04x" % prop_type)


def _variable_size(tag):
    return (tag & 0xFFFF) in (PT_UNICODE, PT_BINARY)


def _hnid(node, heap, data):
    """An HNID for a value that is not stored inline: a HID when small, else a subnode NID."""
    if len(data) <= HEAP_VALUE_MAX:
        return heap.allocate(data)
    nid = node.subnode_nid()
    node.subnodes.append(Node(nid, data))
    return nid


def property_context(node, props):
    """[MS-PST] 2.3.3: fills node.data with a PC holding `props` ({tag: value})."""
    heap = Heap(0xBC)
    records = []
    for tag in sorted(props, key=lambda t: t >> 16):
        data = _encode(tag, props[tag])
        prop_type = tag & 0xFFFF
        if prop_type in (PT_LONG, PT_BOOLEAN):
            # Values of four bytes or less live in the record itself.
            value = data.ljust(4, b"\0")
        else:
            value = struct.pack("<I", _hnid(node, heap, data))
        records.append((struct.pack("<H", tag >> 16), struct.pack("<H", prop_type) + value))
    root = bth(heap, 2, 6, records)
    node.data = heap.build(root)
    return node


def _cell_size(tag):
    prop_type = tag & 0xFFFF
    if prop_type == PT_SYSTIME:
        return 8
    if prop_type == PT_BOOLEAN:
        return 1
    return 4  # PT_LONG, and the HNID of a variable-size value


def table_context(node, columns, rows):
    """[MS-PST] 2.3.4: fills node.data with a TC.

    `columns` lists property tags; PidTagLtpRowId and PidTagLtpRowVer are added in front
    (libpff wants the row id as the first column, at offset 0). Each row is a dict of tag to value
    and must hold PR_LTP_ROW_ID; a missing value leaves its cell-existence bit clear."""
    heap = Heap(0x7C)
    columns = [PR_LTP_ROW_ID, PR_LTP_ROW_VER] + list(columns)
    # Cells are grouped by size: the row id and version (libpff checks the row id is at offset
    # 0), the other 8 and 4 byte cells, then 2, then 1 byte cells, then the existence bitmap.
    layout = {PR_LTP_ROW_ID: 0, PR_LTP_ROW_VER: 4}
    offset = 8
    group_ends = []
    for sizes in ((8, 4), (2,), (1,)):
        for size in sizes:
            for tag in columns[2:]:
                if _cell_size(tag) == size:
                    layout[tag] = offset
                    offset += size
        group_ends.append(offset)
    bitmap_size = (len(columns) + 7) // 8
    row_size = offset + bitmap_size

    matrix = bytearray()
    for row in rows:
        cells = bytearray(row_size)
        for bit, tag in enumerate(columns):
            if tag == PR_LTP_ROW_VER:
                value = 1
            elif tag in row:
                value = row[tag]
            else:
                continue
            data = _encode(tag, value)
            if _variable_size(tag):
                data = struct.pack("<I", _hnid(node, heap, data))
            cells[layout[tag] : layout[tag] + len(data)] = data
            cells[offset + bit // 8] |= 0x80 >> (bit % 8)  # the cell-existence bitmap is MSB first
        matrix += cells
    if len(matrix) > 3580:
        raise ValueError("row matrix too large for one heap allocation")
    # The row index maps each row id to its row number, sorted by row id.
    index = sorted((rows[i][PR_LTP_ROW_ID], i) for i in range(len(rows)))
    row_index = bth(heap, 4, 4, [(struct.pack("<I", r), struct.pack("<I", i)) for r, i in index])
    rows_hnid = heap.allocate(matrix) if rows else 0
    info = struct.pack(
        "<BB4HIII", 0x7C, len(columns), *group_ends, row_size, row_index, rows_hnid, 0
    )
    for bit, tag in enumerate(columns):
        info += struct.pack("<IHBB", tag, layout[tag], _cell_size(tag), bit)
    node.data = heap.build(heap.allocate(info))
    return node


# --- NDB layer: blocks, subnodes, B-trees, header -------------------------------------------


class PstFile:
    def __init__(self):
        self.nodes = []  # top-level nodes
        self.blocks = []  # (bid, payload)
        self.next_block = 1  # block ids are multiples of 4; bit 1 marks internal blocks

    def _block(self, payload, internal=False):
        bid = self.next_block * 4 | (2 if internal else 0)
        self.next_block += 1
        self.blocks.append((bid, bytes(payload)))
        return bid

    def _data(self, data):
        """Stores a node's data: one block, or an XBLOCK listing up to 1021 blocks."""
        if len(data) <= BLOCK_MAX:
            return self._block(data)
        bids = [self._block(data[i : i + BLOCK_MAX]) for i in range(0, len(data), BLOCK_MAX)]
        if len(bids) > (BLOCK_MAX - 8) // 8:
            raise ValueError("value of %d bytes is too large for this writer" % len(data))
        xblock = struct.pack("<BBHI", 0x01, 1, len(bids), len(data))
        xblock += b"".join(struct.pack("<Q", bid) for bid in bids)
        return self._block(xblock, internal=True)

    def _subnodes(self, subnodes):
        """An SLBLOCK for the subnodes (recursively); 0 when there are none."""
        if not subnodes:
            return 0
        entries = []
        for sub in sorted(subnodes, key=lambda n: n.nid):
            data, nested = self._data(sub.data), self._subnodes(sub.subnodes)
            entries.append(struct.pack("<QQQ", sub.nid, data, nested))
        if len(entries) > (BLOCK_MAX - 8) // 24:
            raise ValueError("too many subnodes for one SLBLOCK")
        header = struct.pack("<BBHI", 0x02, 0, len(entries), 0)
        return self._block(header + b"".join(entries), internal=True)

    def write(self, path):
        nbt = []
        for node in sorted(self.nodes, key=lambda n: n.nid):
            data, subnodes = self._data(node.data), self._subnodes(node.subnodes)
            nbt.append((node.nid, data, subnodes, node.parent))
        out = bytearray(FIRST_AMAP)
        self.allocated = []  # (ib, size) of everything written, for the AMap bits
        # Blocks first, each padded to a multiple of 64 bytes with its 16-byte trailer at the end.
        bbt = []
        for bid, payload in self.blocks:
            size = _align(len(payload) + 16, 64)
            ib = self._reserve(out, size, 64)
            trailer = struct.pack("<HHIQ", len(payload), signature(ib, bid), crc32(payload), bid)
            out[ib : ib + size] = payload + b"\0" * (size - len(payload) - 16) + trailer
            bbt.append((bid, ib, len(payload)))

        # The B-trees: leaf pages, then intermediate levels until one root page remains.
        self.next_page = 1
        nbt_leaves = [
            (nid, struct.pack("<QQQII", nid, data, sub, parent, 0))
            for nid, data, sub, parent in nbt
        ]
        bbt_leaves = [(bid, struct.pack("<QQHHI", bid, ib, cb, 1, 0)) for bid, ib, cb in bbt]
        nbt_root = self._btree(out, PTYPE_NBT, 32, nbt_leaves)
        bbt_root = self._btree(out, PTYPE_BBT, 24, bbt_leaves)

        last_amap = self._maps(out)
        out[0:564] = self._header(len(out), last_amap, nbt_root, bbt_root)
        with open(path, "wb") as f:
            f.write(out)

    @staticmethod
    def _map_pages(k):
        """Bytes reserved at the start of AMap interval k: its AMap page, and on every eighth
        interval the (deprecated, but still expected) PMap page after it."""
        return 2 * PAGE_SIZE if k % 8 == 0 else PAGE_SIZE

    def _reserve(self, out, size, alignment):
        """The offset of `size` new bytes at the end of `out`, aligned, never overlapping the
        map pages at the start of each AMap interval; `out` is extended to cover them."""
        ib = _align(len(out), alignment)
        k = (ib - FIRST_AMAP) // AMAP_COVERAGE
        start = FIRST_AMAP + k * AMAP_COVERAGE
        if ib < start + self._map_pages(k):
            ib = _align(start + self._map_pages(k), alignment)
        elif ib + size > start + AMAP_COVERAGE:
            ib = _align(start + AMAP_COVERAGE + self._map_pages(k + 1), alignment)
        if (ib - FIRST_AMAP) // AMAP_COVERAGE >= 128:
            # Beyond 128 intervals Outlook expects FMap pages, which this writer does not make.
            raise ValueError("PST larger than about 31 MiB is beyond this writer")
        out += b"\0" * (ib + size - len(out))
        self.allocated.append((ib, size))
        return ib

    def _page(self, out, ptype, entries, entry_size, level):
        """Appends one B-tree page; returns (first key, BREF bid, BREF ib)."""
        bid = self.next_page
        self.next_page += 1
        ib = self._reserve(out, PAGE_SIZE, PAGE_SIZE)
        body = b"".join(data for _, data in entries).ljust(488, b"\0")
        body += struct.pack("<BBBBI", len(entries), 488 // entry_size, entry_size, level, 0)
        trailer = struct.pack("<BBHIQ", ptype, ptype, signature(ib, bid), crc32(body), bid)
        out[ib : ib + PAGE_SIZE] = body + trailer
        return entries[0][0], bid, ib

    def _btree(self, out, ptype, leaf_entry_size, entries):
        level, entry_size = 0, leaf_entry_size
        while True:
            per_page = 488 // entry_size
            pages = [
                self._page(out, ptype, entries[i : i + per_page], entry_size, level)
                for i in range(0, len(entries), per_page)
            ]
            if len(pages) == 1:
                return pages[0][1:]
            # BTENTRY: the child's first key and its BREF.
            entries = [(key, struct.pack("<QQQ", key, bid, ib)) for key, bid, ib in pages]
            level, entry_size = level + 1, 24

    def _maps(self, out):
        """Writes the AMap (and PMap) pages of every interval the file reaches; returns the
        offset of the last AMap. AMap bits are set for the slots holding blocks, pages and the
        maps themselves; the padding the writer skipped stays free."""
        amaps = (len(out) - FIRST_AMAP + AMAP_COVERAGE - 1) // AMAP_COVERAGE
        bits = [bytearray(496) for _ in range(amaps)]
        for k in range(amaps):
            self.allocated.append((FIRST_AMAP + k * AMAP_COVERAGE, self._map_pages(k)))
        self.amap_free = amaps * AMAP_COVERAGE
        for ib, size in self.allocated:
            for slot in range((ib - FIRST_AMAP) // 64, (ib + size - FIRST_AMAP) // 64):
                k, bit = divmod(slot, 496 * 8)
                bits[k][bit // 8] |= 0x80 >> (bit % 8)  # MSB first
            self.amap_free -= size
        for k in range(amaps):
            ib = FIRST_AMAP + k * AMAP_COVERAGE
            pages = [(ib, PTYPE_AMAP, bytes(bits[k]))]
            if k % 8 == 0:
                pages.append((ib + PAGE_SIZE, PTYPE_PMAP, b"\xff" * 496))
            for page_ib, ptype, body in pages:
                # Map pages have no signature and carry their own offset as their bid.
                trailer = struct.pack("<BBHIQ", ptype, ptype, 0, crc32(body), page_ib)
                out[page_ib : page_ib + PAGE_SIZE] = body + trailer
        return FIRST_AMAP + (amaps - 1) * AMAP_COVERAGE

    def _header(self, eof, last_amap, nbt_root, bbt_root):
        """[MS-PST] 2.2.2.6 HEADER (Unicode) with ROOT; both CRCs computed last."""
        # rgnid: the next free node index for each NID type, above everything used here.
        next_index = [0x400] * 32
        def note(nid):
            next_index[nid & 0x1F] = max(next_index[nid & 0x1F], (nid >> 5) + 1)
        for node in self.nodes:
            note(node.nid)
        rgnid = b"".join(struct.pack("<I", (index << 5) | t) for t, index in enumerate(next_index))
        root = struct.pack(
            "<IQQQQQQQQBBH",
            0, eof, last_amap, self.amap_free, 0,
            nbt_root[0], nbt_root[1], bbt_root[0], bbt_root[1],
            0x02, 0, 0,  # fAMapValid = VALID_AMAP2
        )
        header = bytearray(
            b"!BDN" + b"\0\0\0\0" + b"SM" + struct.pack("<HHBBII", 23, 19, 1, 1, 0, 0)
        )
        header += struct.pack("<QQI", 0, self.next_page, 1) + rgnid + struct.pack("<Q", 0)
        header += root + struct.pack("<I", 0) + b"\xff" * 256
        header += struct.pack("<BBH", 0x80, 0, 0)  # bSentinel, bCryptMethod = NDB_CRYPT_NONE
        header += struct.pack("<Q", self.next_block * 4) + b"\0\0\0\0" + b"\0" * 36
        assert len(header) == 564, len(header)
        header[4:8] = struct.pack("<I", crc32(bytes(header[8 : 8 + 471])))
        header[524:528] = struct.pack("<I", crc32(bytes(header[8 : 8 + 516])))
        return header


# --- Messaging layer ------------------------------------------------------------------------


def _entry_id(nid):
    """A store entry id: four flag bytes, the store's record key, the node id."""
    return b"\0\0\0\0" + STORE_RECORD_KEY + struct.pack("<I", nid)


def _folder_nid(index):
    return (index << 5) | NID_TYPE_NORMAL_FOLDER


def _add_folder(pst, nid, parent, name, subfolders, messages, container_class):
    """A folder PC and its three tables. `subfolders` are (nid, name, message count, has
    subfolders); `messages` are (nid, message dict)."""
    props = {
        PR_DISPLAY_NAME: name,
        PR_CONTENT_COUNT: len(messages),
        PR_CONTENT_UNREAD: 0,
        PR_SUBFOLDERS: bool(subfolders),
    }
    if container_class:
        props[PR_CONTAINER_CLASS] = container_class
    pst.nodes.append(property_context(Node(nid, b"", parent), props))
    index = nid >> 5
    hierarchy = Node((index << 5) | NID_TYPE_HIERARCHY_TABLE, b"")
    table_context(
        hierarchy,
        [PR_DISPLAY_NAME, PR_CONTENT_COUNT, PR_CONTENT_UNREAD, PR_SUBFOLDERS],
        [
            {PR_LTP_ROW_ID: sub_nid, PR_DISPLAY_NAME: sub_name, PR_CONTENT_COUNT: count,
             PR_CONTENT_UNREAD: 0, PR_SUBFOLDERS: has_sub}
            for sub_nid, sub_name, count, has_sub in subfolders
        ],
    )
    contents = Node((index << 5) | NID_TYPE_CONTENTS_TABLE, b"")
    table_context(
        contents,
        [PR_MESSAGE_CLASS, PR_SUBJECT, PR_CLIENT_SUBMIT_TIME, PR_MESSAGE_FLAGS],
        [
            {PR_LTP_ROW_ID: msg_nid, PR_MESSAGE_CLASS: m["message_class"], PR_SUBJECT: m["subject"],
             PR_CLIENT_SUBMIT_TIME: m["submit_time"], PR_MESSAGE_FLAGS: MSGFLAG_READ}
            for msg_nid, m in messages
        ],
    )
    associated = Node((index << 5) | NID_TYPE_ASSOC_CONTENTS_TABLE, b"")
    table_context(associated, [PR_MESSAGE_CLASS], [])
    pst.nodes += [hierarchy, contents, associated]


def _add_message(pst, nid, folder_nid, m):
    node = Node(nid, b"", folder_nid)
    when = m["submit_time"]
    attachments = m.get("attachments") or []
    props = {
        PR_MESSAGE_CLASS: m["message_class"],
        PR_SUBJECT: m["subject"],
        PR_IMPORTANCE: 1,
        PR_CLIENT_SUBMIT_TIME: when,
        PR_MESSAGE_DELIVERY_TIME: when,
        PR_CREATION_TIME: when,
        PR_LAST_MODIFICATION_TIME: when,
        PR_MESSAGE_FLAGS: MSGFLAG_READ | (MSGFLAG_HASATTACH if attachments else 0),
        PR_HASATTACH: bool(attachments),
        PR_SENDER_NAME: m["sender_name"],
        PR_SENDER_EMAIL: m["sender_email"],
        PR_SENDER_ADDRTYPE: "SMTP",
        PR_SENT_REPRESENTING_NAME: m["sender_name"],
        PR_SENT_REPRESENTING_EMAIL: m["sender_email"],
        PR_DISPLAY_TO: "; ".join(name for name, _ in m["to"]),
        PR_BODY: m["body"],
        PR_MESSAGE_CODEPAGE: CP_UTF8,
    }
    if m.get("html"):
        # Outlook keeps HTML as bytes in PR_INTERNET_CPID's code page (often windows-1252, not
        # UTF-8); libpff hands those bytes out as they are, so readers must convert them.
        codepage = m.get("html_codepage", CP_UTF8)
        props[PR_HTML] = m["html"].encode("utf-8" if codepage == CP_UTF8 else "cp%d" % codepage)
        props[PR_INTERNET_CPID] = codepage
    if m.get("transport_headers"):
        props[PR_TRANSPORT_MESSAGE_HEADERS] = m["transport_headers"]
    if m.get("message_id"):
        props[PR_INTERNET_MESSAGE_ID] = m["message_id"]
    props[PR_MESSAGE_SIZE] = len(m["body"].encode("utf-8")) + sum(len(d) for _, d in attachments)
    property_context(node, {k: v for k, v in props.items() if v != ""})

    recipients = Node(NID_RECIPIENT_TABLE, b"")
    recipient_columns = [PR_RECIPIENT_TYPE, PR_OBJECT_TYPE, PR_DISPLAY_TYPE, PR_ROWID,
                         PR_DISPLAY_NAME, PR_ADDRTYPE, PR_EMAIL_ADDRESS, PR_SMTP_ADDRESS]
    table_context(
        recipients,
        recipient_columns,
        [
            {PR_LTP_ROW_ID: i, PR_ROWID: i, PR_RECIPIENT_TYPE: MAPI_TO,
             PR_OBJECT_TYPE: MAPI_MAILUSER, PR_DISPLAY_TYPE: 0, PR_DISPLAY_NAME: name,
             PR_ADDRTYPE: "SMTP", PR_EMAIL_ADDRESS: email, PR_SMTP_ADDRESS: email}
            for i, (name, email) in enumerate(m["to"])
        ],
    )
    node.subnodes.append(recipients)

    if attachments:
        rows = []
        for i, (name, data) in enumerate(attachments):
            attach_nid = ((0x400 + i) << 5) | NID_TYPE_ATTACHMENT
            extension = name[name.rfind("."):] if "." in name else ""
            attachment = property_context(
                Node(attach_nid, b""),
                {
                    PR_ATTACH_METHOD: ATTACH_BY_VALUE,
                    PR_ATTACH_LONG_FILENAME: name,
                    PR_ATTACH_FILENAME: name,
                    PR_DISPLAY_NAME: name,
                    **({PR_ATTACH_EXTENSION: extension} if extension else {}),
                    PR_ATTACH_MIME_TAG: MEDIA_TYPES.get(
                        extension.lower(), "application/octet-stream"
                    ),
                    PR_ATTACH_DATA_BIN: data,
                    PR_ATTACH_SIZE: len(data),
                    PR_RENDERING_POSITION: 0xFFFFFFFF,
                    PR_OBJECT_TYPE: 7,  # MAPI_ATTACH
                },
            )
            node.subnodes.append(attachment)
            rows.append({PR_LTP_ROW_ID: attach_nid, PR_ATTACH_SIZE: len(data),
                         PR_ATTACH_LONG_FILENAME: name, PR_ATTACH_METHOD: ATTACH_BY_VALUE,
                         PR_RENDERING_POSITION: 0xFFFFFFFF})
        table = Node(NID_ATTACHMENT_TABLE, b"")
        columns = [PR_ATTACH_SIZE, PR_ATTACH_LONG_FILENAME, PR_ATTACH_METHOD,
                   PR_RENDERING_POSITION]
        table_context(table, columns, rows)
        node.subnodes.append(table)
    pst.nodes.append(node)


def write_pst(path, folders, store_name="Docket sample PST"):
    """Writes a PST whose IPM subtree ("Top of Personal Folders") holds `folders` in order."""
    pst = PstFile()
    ipm_subtree = _folder_nid(0x401)
    pst.nodes.append(
        property_context(
            Node(NID_MESSAGE_STORE, b""),
            {
                PR_RECORD_KEY: STORE_RECORD_KEY,
                PR_DISPLAY_NAME: store_name,
                PR_IPM_SUBTREE_ENTRYID: _entry_id(ipm_subtree),
                PR_VALID_FOLDER_MASK: FOLDER_IPM_SUBTREE_VALID,
            },
        )
    )
    folder_rows = []
    message_index = 0x10000  # message node indexes start high, as Outlook's do
    for i, (name, messages) in enumerate(folders):
        nid = _folder_nid(0x402 + i)
        numbered = []
        for message in messages:
            numbered.append(((message_index << 5) | NID_TYPE_NORMAL_MESSAGE, message))
            message_index += 1
        _add_folder(pst, nid, ipm_subtree, name, [], numbered, "IPF.Note")
        for msg_nid, message in numbered:
            _add_message(pst, msg_nid, nid, message)
        folder_rows.append((nid, name, len(messages), False))
    # The root folder is its own parent; its display name is empty, as in Outlook's files.
    _add_folder(pst, NID_ROOT_FOLDER, NID_ROOT_FOLDER, "",
                [(ipm_subtree, "Top of Personal Folders", 0, bool(folder_rows))], [], None)
    _add_folder(pst, ipm_subtree, NID_ROOT_FOLDER, "Top of Personal Folders", folder_rows, [], None)
    pst.write(path)


# --- The sample the tests read --------------------------------------------------------------


def _utc(*fields):
    return datetime.datetime(*fields, tzinfo=datetime.timezone.utc)


NOTES_TXT = "Prüfnotizen Q3\r\n1. Umsatz +4 %\r\n2. 风险: 低\r\n".encode("utf-8")

SAMPLE_FOLDERS = [
    (
        "Inbox",
        [
            {
                "message_class": "IPM.Note",
                "subject": "Quartalsbericht Q3 – Prüfung",
                "sender_name": "Jürgen Müller",
                "sender_email": "juergen.mueller@example.de",
                "to": [("Alice Smith", "alice@example.com"), ("王伟", "wang.wei@example.cn")],
                "body": "Hallo Alice,\r\nanbei die Prüfnotizen für das dritte Quartal.\r\n"
                "Grüße, Jürgen",
                "submit_time": _utc(2013, 6, 3, 9, 15, 2),
                "message_id": "<q3-review@example.de>",
                "html": "<html><body><p>Hallo Alice, anbei die Prüfnotizen.</p></body></html>",
                "html_codepage": 1252,
                "attachments": [
                    ("Prüfnotizen.txt", NOTES_TXT),
                    ("bytes.bin", b"\x00\x01\x02\xff"),
                ],
            },
            {
                "message_class": "IPM.Note",
                "subject": "项目进度更新",
                "sender_name": "王伟",
                "sender_email": "wang.wei@example.cn",
                "to": [("Alice Smith", "alice@example.com")],
                "body": "Alice 你好，\r\n项目已完成百分之八十。\r\n王伟",
                "submit_time": _utc(2013, 6, 4, 2, 30, 0),
                "transport_headers": (
                    "Received: from mail.example.cn by mx.example.com;\r\n"
                    " Tue, 4 Jun 2013 02:30:05 +0000\r\n"
                    "From: =?UTF-8?B?546L5Lyf?= <wang.wei@example.cn>\r\n"
                    "To: Alice Smith <alice@example.com>\r\n"
                    "Subject: =?UTF-8?B?6aG555uu6L+b5bqm5pu05paw?=\r\n"
                    "Date: Tue, 4 Jun 2013 02:30:00 +0000\r\n"
                    "Message-ID: <progress-80@example.cn>\r\n"
                    "MIME-Version: 1.0\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                ),
            },
            {
                "message_class": "IPM.Schedule.Meeting.Request",
                "subject": "اجتماع مراجعة الميزانية",
                "sender_name": "Omar Haddad",
                "sender_email": "omar.haddad@example.ae",
                "to": [("Alice Smith", "alice@example.com")],
                "body": "يرجى حضور اجتماع مراجعة الميزانية يوم الخميس.",
                "submit_time": _utc(2013, 6, 5, 11, 0, 0),
            },
        ],
    ),
    (
        "Conversation History",
        [
            {
                "message_class": "IPM.Note.Microsoft.Conversation",
                "subject": "Conversation with Alice Smith",
                "sender_name": "Alice Smith",
                "sender_email": "alice@example.com",
                "to": [("Bob Jones", "bob@example.com")],
                "body": "Alice Smith [09:15]: Did the Q3 numbers arrive?\r\n"
                "Bob Jones [09:16]: Yes, Jürgen sent them.",
                "html": (
                    '<html><body><div><span style="font-weight:bold">Alice Smith</span> 09:15'
                    "<p>Did the Q3 numbers arrive?</p></div><div><span style=\"font-weight:bold\">"
                    "Bob Jones</span> 09:16<p>Yes, Jürgen sent them.</p></div></body></html>"
                ),
                "submit_time": _utc(2013, 6, 3, 9, 16, 40),
            },
        ],
    ),
]


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: pst_writer.py OUT.pst\n")
        return 2
    write_pst(argv[1], SAMPLE_FOLDERS)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
