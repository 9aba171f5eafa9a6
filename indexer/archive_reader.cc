/** @file
 *  @brief libarchive adapter: the only indexer file that sees ARCHIVE_* return codes.
 */
#include "indexer/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace docket {
namespace {

// Block size for reading an archive file. Fixed: we never size a buffer from the archive.
constexpr size_t kReadBlockBytes = 64 * 1024;
// The ratio check starts past this much output, so that small, highly compressible members (a
// few KB of spaces) are not mistaken for bombs.
constexpr uint64_t kRatioFloorBytes = 1ull << 20;

std::string Quote(std::string_view path) { return "'" + std::string(path) + "'"; }

std::string ArchiveErrorText(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr && *text != '\0' ? std::string(text) : std::string("unknown error");
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "x.eml.gz" -> "x.eml": the member name of a lone compressed file (libarchive's raw format
// calls it "data").
std::string RawMemberName(std::string_view name_hint) {
  std::string_view base = BaseName(name_hint);
  if (base.empty()) {
    return "data";
  }
  static constexpr std::array<std::string_view, 11> kSuffixes = {
      ".gz", ".gzip", ".bz2", ".xz", ".lzma", ".zst", ".lz", ".lz4", ".lzo", ".z", ".uu"};
  std::string lower = AsciiLower(base);
  for (std::string_view suffix : kSuffixes) {
    if (EndsWith(lower, suffix) && base.size() > suffix.size()) {
      return std::string(base.substr(0, base.size() - suffix.size()));
    }
  }
  return std::string(base);
}

// a * b > limit, without overflow.
bool ProductExceeds(uint64_t a, uint64_t b, uint64_t value) {
  if (a == 0 || b == 0) {
    return value > 0;
  }
  if (a > UINT64_MAX / b) {
    return false;  // the product is beyond any value we can count
  }
  return value > a * b;
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when the bytes there are not
// one (overlong forms, surrogates and code points past U+10FFFF included): such names would
// break every consumer downstream (JSON, Xapian terms, terminals).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) {
    return 1;
  }
  size_t length = 0;
  unsigned char low = 0x80;  // bounds of the second byte (Unicode Table 3-7)
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : 0x80;
    high = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : 0x80;
    high = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + length > s.size() || byte(i + 1) < low || byte(i + 1) > high) {
    return 0;
  }
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
      return 0;
    }
  }
  return length;
}

// `text` as valid UTF-8 without control characters: each byte that is a C0 control, DEL or not
// part of well-formed UTF-8 becomes "%XX". Sets *changed when anything was rewritten. (A NUL
// cannot reach us: libarchive hands names over as C strings.)
std::string EscapeName(std::string_view text, bool* changed) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0 || c < 0x20 || c == 0x7F) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      *changed = true;
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

struct SafeName {
  std::string path;
  std::string problem;  // empty when the name was already safe
};

// Turns a member name from the archive into a relative path that cannot point outside the
// archive: no root, no drive letter, no UNC host prefix, no ".." above the top, '/' separators
// only, valid UTF-8 without control characters. The caller never writes to disk, but paths end
// up in ipaths, exports and listings, where "../../etc/passwd" must not be taken at face value.
// `ordinal` names a member whose name is empty once made safe.
SafeName MakeSafePath(std::string_view raw, uint64_t ordinal) {
  bool bad_bytes = false;
  const std::string shown = EscapeName(raw, &bad_bytes);  // quoted in the problem
  std::string name = shown;
  const bool backslashes = name.find('\\') != std::string::npos;
  std::replace(name.begin(), name.end(), '\\', '/');
  std::string_view rest = name;
  bool absolute = false;
  if (rest.size() >= 2 && rest[1] == ':' &&
      ((rest[0] >= 'A' && rest[0] <= 'Z') || (rest[0] >= 'a' && rest[0] <= 'z'))) {
    absolute = true;  // "C:\x" or the drive-relative "C:x"
    rest.remove_prefix(2);
  }
  if (!rest.empty() && rest[0] == '/') {
    absolute = true;  // "/etc/passwd", and "\\server\share" (now "//server/share")
  }
  std::vector<std::string_view> segments;
  bool escapes = false;
  bool inner_dotdot = false;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") {
      continue;  // "a//b", "./a", "a/": plain normalisation, nothing to report
    }
    if (segment == "..") {
      if (segments.empty()) {
        escapes = true;  // zip-slip: dropped, so the member stays inside the archive
      } else {
        segments.pop_back();
        inner_dotdot = true;
      }
      continue;
    }
    segments.push_back(segment);
  }
  SafeName out;
  for (std::string_view segment : segments) {
    if (!out.path.empty()) {
      out.path += '/';
    }
    out.path.append(segment);
  }
  const bool unnamed = out.path.empty();
  if (unnamed) {
    out.path = "unnamed-" + std::to_string(ordinal);
  }
  std::vector<std::string> reasons;
  if (absolute) {
    reasons.emplace_back("is absolute");
  }
  if (escapes) {
    reasons.emplace_back("escapes the archive");
  }
  if (inner_dotdot) {
    reasons.emplace_back("contains '..' segments");
  }
  if (backslashes) {
    reasons.emplace_back("uses backslash separators");
  }
  if (bad_bytes) {
    reasons.emplace_back("contains control characters or bytes that are not UTF-8 (shown as %XX)");
  }
  if (unnamed) {
    reasons.emplace_back("names no file");
  }
  if (reasons.empty()) {
    return out;
  }
  out.problem = "member name " + Quote(shown) + " ";
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (i > 0) {
      out.problem += i + 1 == reasons.size() ? " and " : ", ";
    }
    out.problem += reasons[i];
  }
  out.problem += "; recorded as " + Quote(out.path);
  return out;
}

void AddProblem(ArchiveEntry* entry, std::string_view problem) {
  if (problem.empty()) {
    return;
  }
  if (!entry->problem.empty()) {
    entry->problem += "; ";
  }
  entry->problem.append(problem);
}

// "zip", "7z", "rar": how a person would name the archive a password protects.
std::string FormatShortName(archive* a) {
  switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_ZIP:
      return "zip";
    case ARCHIVE_FORMAT_7ZIP:
      return "7z";
    case ARCHIVE_FORMAT_RAR:
    case ARCHIVE_FORMAT_RAR_V5:
      return "rar";
    default:
      break;
  }
  const char* name = archive_format_name(a);
  return name != nullptr ? std::string(name) : std::string("archive");
}

// Bytes looked at to tell "damaged archive" from "not an archive" when libarchive gives up.
constexpr size_t kSignatureBytes = 512;

// archive_read_open_*() failed. libarchive's decompressors fill a 64 KiB block while opening, so
// a compressed stream cut within its first 64 KiB of output fails here: with a signature that
// is corruption, without one the input is simply not an archive.
Status OpenFailure(archive* a, std::string_view head, const std::string& what) {
  if (LooksLikeArchive(head, "")) {
    return Status::Corruption(
        what + " is truncated or corrupt before its first member: " + ArchiveErrorText(a));
  }
  return Status::InvalidArgument(what + " is not an archive we can read (zip, tar, 7z, gzip, " +
                                 "bzip2, xz, ...): " + ArchiveErrorText(a));
}

}  // namespace

struct ArchiveReader::Impl {
  archive* a = nullptr;
  ArchiveLimits limits;
  uint64_t input_size = 0;  // bytes of the archive itself; 0 when unknown
  std::string raw_member_name;
  uint64_t headers_read = 0;
  uint64_t returned = 0;
  uint64_t total_expanded = 0;
  std::string last_member;  // path of the last entry returned, for error messages
  std::optional<Status> final_status;
  // Open() reads the first header so that "not an archive" is reported by Open; Next() then
  // consumes it.
  bool has_pending_header = false;
  int pending_rc = ARCHIVE_OK;
  archive_entry* pending_entry = nullptr;

  ~Impl() {
    if (a != nullptr) {
      archive_read_free(a);
    }
  }

  std::string AfterWhat() const {
    return last_member.empty() ? std::string("before its first member")
                               : "after member " + Quote(last_member);
  }

  Status Fail(Status status) {
    final_status = status;
    return status;
  }

  // Reads the current member's data into entry->bytes within the limits, noting in the entry
  // what went wrong (too large, damaged). Returns non-OK only for an archive-wide limit.
  Status ReadMemberData(ArchiveEntry* entry);

  static std::unique_ptr<Impl> Create(const ArchiveLimits& limits) {
    auto impl = std::make_unique<Impl>();
    impl->limits = limits;
    impl->a = archive_read_new();
    if (impl->a == nullptr) {
      return nullptr;
    }
    archive_read_support_filter_all(impl->a);
    // archive_read_support_format_all() minus two readers:
    // - mtree: its entries name files on *this* host ("contents=/etc/passwd"), which the
    //   reader then opens. Never acceptable for untrusted input.
    // - iso9660: its bidder reads 48 KiB ahead. On a compressed stream shorter than that
    //   (a truncated tar.gz) the decompressor fails the whole archive during bidding, so
    //   the members before the cut could not be read.
    archive_read_support_format_7zip(impl->a);
    archive_read_support_format_ar(impl->a);
    archive_read_support_format_cab(impl->a);
    archive_read_support_format_cpio(impl->a);
    archive_read_support_format_empty(impl->a);
    archive_read_support_format_lha(impl->a);
    archive_read_support_format_rar(impl->a);
    archive_read_support_format_rar5(impl->a);
    archive_read_support_format_tar(impl->a);
    archive_read_support_format_warc(impl->a);
    archive_read_support_format_xar(impl->a);
    archive_read_support_format_zip(impl->a);
    // Lowest bid: used only when no real format matches, i.e. a lone compressed file.
    archive_read_support_format_raw(impl->a);
    return impl;
  }

  // The archive is open: read the first header to learn the format, and refuse input that is
  // neither an archive nor a compressed file. Next() consumes the header read here.
  Status ReadFirstHeader(std::string_view what) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a, &entry);
    if (rc < ARCHIVE_WARN) {
      if (archive_format(a) == 0 && archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE) {
        // libarchive's decompressors fill a 64 KiB block before the format is chosen, so a
        // compressed stream cut within its first 64 KiB of output fails here.
        return Status::Corruption(std::string(what) + " is a " + archive_filter_name(a, 0) +
                                  " stream that is truncated or corrupt before its first "
                                  "member: " +
                                  ArchiveErrorText(a));
      }
      if (archive_format(a) == 0) {  // no format bid: not an archive at all
        return Status::InvalidArgument(std::string(what) +
                                       " is not an archive we can read (zip, tar, 7z, gzip, "
                                       "bzip2, xz, ...): " +
                                       ArchiveErrorText(a));
      }
      return Status::Corruption(
          std::string(what) +
          " is truncated or corrupt before its first member: " + ArchiveErrorText(a));
    }
    // format_raw accepts any bytes; only a compressed single file may use it.
    if (rc != ARCHIVE_EOF && archive_format(a) == ARCHIVE_FORMAT_RAW &&
        archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE) {
      return Status::InvalidArgument(std::string(what) +
                                     " is not an archive or compressed file we can read (no "
                                     "zip, tar, 7z, gzip, bzip2, xz, ... signature)");
    }
    has_pending_header = true;
    pending_rc = rc;
    pending_entry = entry;
    return Status::OK();
  }
};

ArchiveReader::ArchiveReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ArchiveReader::~ArchiveReader() = default;

uint64_t ArchiveReader::entries_returned() const { return impl_->returned; }

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::OpenFile(const std::filesystem::path& path,
                                                               const ArchiveLimits& limits) {
  std::unique_ptr<Impl> impl = Impl::Create(limits);
  if (impl == nullptr) {
    return Status::Internal("libarchive could not allocate a reader");
  }
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  impl->input_size = ec ? 0 : size;
  impl->raw_member_name = RawMemberName(path.filename().string());
  std::string head;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Status::IOError("cannot open archive " + Quote(path.string()) + ": " +
                             std::strerror(errno));
    }
    head.resize(kSignatureBytes);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
  }
  if (archive_read_open_filename(impl->a, path.c_str(), kReadBlockBytes) != ARCHIVE_OK) {
    return OpenFailure(impl->a, head, "file " + Quote(path.string()));
  }
  DOCKET_RETURN_IF_ERROR(impl->ReadFirstHeader("file " + Quote(path.string())));
  return std::unique_ptr<ArchiveReader>(new ArchiveReader(std::move(impl)));
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::OpenMemory(std::string_view bytes,
                                                                 const ArchiveLimits& limits,
                                                                 std::string_view name_hint) {
  std::unique_ptr<Impl> impl = Impl::Create(limits);
  if (impl == nullptr) {
    return Status::Internal("libarchive could not allocate a reader");
  }
  impl->input_size = bytes.size();
  impl->raw_member_name = RawMemberName(name_hint);
  std::string what = name_hint.empty() ? std::string("data") : Quote(name_hint);
  if (archive_read_open_memory(impl->a, bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return OpenFailure(impl->a, bytes.substr(0, std::min(bytes.size(), kSignatureBytes)), what);
  }
  DOCKET_RETURN_IF_ERROR(impl->ReadFirstHeader(what));
  return std::unique_ptr<ArchiveReader>(new ArchiveReader(std::move(impl)));
}

std::string_view EntryTypeName(EntryType type) {
  switch (type) {
    case EntryType::kFile:
      return "file";
    case EntryType::kSymlink:
      return "symbolic link";
    case EntryType::kHardlink:
      return "hard link";
    case EntryType::kDevice:
      return "device";
    case EntryType::kFifo:
      return "named pipe";
    case EntryType::kSocket:
      return "socket";
    case EntryType::kOther:
      return "other";
  }
  return "other";
}

Status ArchiveReader::Impl::ReadMemberData(ArchiveEntry* entry) {
  // archive_read_data_block rather than archive_read_data: the latter drops the bytes it has
  // gathered when a warning follows them (a zip member failing its CRC came back empty), and
  // blocks are handed over without a copy. Sparse holes arrive as offsets and are filled with
  // zeros here, counted like any other byte.
  uint64_t expanded = 0;
  bool too_large = false;
  bool damaged = false;
  int empty_blocks = 0;
  constexpr int kMaxEmptyBlocks = 1024;
  for (;;) {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    const int rc = archive_read_data_block(a, &block, &size, &offset);
    // At the end, `offset` is the member's size: a sparse file may end in a hole.
    const bool at_end = rc == ARCHIVE_EOF;
    if (at_end && (offset <= 0 || static_cast<uint64_t>(offset) <= expanded)) {
      break;
    }
    if (rc == ARCHIVE_FATAL) {
      // libarchive cannot go on (a truncated stream, a broken block). This member is returned
      // with what was read; the next call reports the archive.
      const std::string text = ArchiveErrorText(a);
      entry->complete = false;
      AddProblem(entry, "member is truncated or corrupt after " + std::to_string(expanded) +
                            " bytes: " + text);
      final_status = Status::Corruption("archive is truncated or corrupt in member " +
                                        Quote(entry->path) + ": " + text);
      break;
    }
    if (rc != ARCHIVE_OK && !at_end) {
      // Damage the format can step over (a bad CRC, a method it cannot decode): keep what was
      // read and go on; the next header fails on its own if the damage goes on. A second
      // complaint about the same member, or one that is not a mere warning, ends the member
      // rather than risk looping on it.
      entry->complete = false;
      if (!damaged) {
        AddProblem(entry, "member is corrupt: " + ArchiveErrorText(a));
      }
      if (damaged || rc != ARCHIVE_WARN) {
        break;
      }
      damaged = true;
    }
    if (size == 0 && !at_end) {
      // A warning without data (its offset means nothing). Endless empty blocks would be a
      // reader bug on hostile input; give up on the member rather than spin.
      if (++empty_blocks > kMaxEmptyBlocks) {
        entry->complete = false;
        AddProblem(entry, "member data never ends (libarchive returned only empty blocks)");
        break;
      }
      continue;
    }
    if (offset < 0 || static_cast<uint64_t>(offset) < expanded) {
      entry->complete = false;
      AddProblem(entry, "member data is out of order (block at offset " + std::to_string(offset) +
                            " after " + std::to_string(expanded) + " bytes); read stopped there");
      break;
    }
    // A hole before this block (a sparse file) reads as zeros; then the block itself.
    const uint64_t hole = static_cast<uint64_t>(offset) - expanded;
    for (const auto& [data, length] :
         {std::pair<const char*, uint64_t>{nullptr, hole},
          std::pair<const char*, uint64_t>{static_cast<const char*>(block), size}}) {
      if (length == 0) {
        continue;
      }
      expanded += length;
      total_expanded += length;
      // Archive-wide limits first: they are final, and bytes of an oversized member still
      // count (we drain its data rather than skip it, so a bomb cannot hide inside one).
      if (total_expanded > limits.max_total_bytes) {
        return Fail(Status::ResourceExhausted(
            "archive expands past " + std::to_string(limits.max_total_bytes) +
            " bytes in all (max_total_bytes); stopped in member " + Quote(entry->path)));
      }
      if (input_size > 0 && total_expanded > kRatioFloorBytes &&
          ProductExceeds(input_size, limits.max_ratio, total_expanded)) {
        return Fail(Status::ResourceExhausted(
            "member " + Quote(entry->path) + " expands past " + std::to_string(limits.max_ratio) +
            " times the archive's " + std::to_string(input_size) +
            " compressed bytes (max_ratio); likely a decompression bomb"));
      }
      if (too_large) {
        continue;
      }
      if (expanded > limits.max_entry_bytes) {
        // Not final: the member is listed without its bytes and the walk goes on. We read the
        // rest and drop it instead of archive_read_data_skip(), because skipping a compressed
        // member decompresses it uncounted; reading keeps max_total_bytes and max_ratio honest.
        too_large = true;
        entry->bytes = std::string();  // give the memory back now, not at the member's end
        entry->complete = false;
        AddProblem(entry, "member expands past " + std::to_string(limits.max_entry_bytes) +
                              " bytes (max_entry_bytes); not read");
        continue;
      }
      if (data == nullptr) {
        entry->bytes.append(static_cast<size_t>(length), '\0');
      } else {
        entry->bytes.append(data, static_cast<size_t>(length));
      }
    }
    if (at_end) {
      break;
    }
  }
  return Status::OK();
}

Result<bool> ArchiveReader::Next(ArchiveEntry* entry) {
  Impl& s = *impl_;
  if (s.final_status.has_value()) {
    return *s.final_status;
  }
  archive* a = s.a;
  for (;;) {
    archive_entry* header = nullptr;
    int rc;
    if (s.has_pending_header) {
      s.has_pending_header = false;
      rc = s.pending_rc;
      header = s.pending_entry;
    } else {
      rc = archive_read_next_header(a, &header);
    }
    if (rc == ARCHIVE_EOF) {
      return false;
    }
    if (rc < ARCHIVE_WARN) {  // ARCHIVE_FAILED, ARCHIVE_FATAL, ARCHIVE_RETRY
      return s.Fail(Status::Corruption("archive is truncated or corrupt " + s.AfterWhat() + ": " +
                                       ArchiveErrorText(a)));
    }
    // ARCHIVE_WARN (e.g. a name that does not convert to UTF-8) still gives a usable header.
    if (++s.headers_read > s.limits.max_entries) {
      return s.Fail(Status::ResourceExhausted("archive has more than " +
                                              std::to_string(s.limits.max_entries) +
                                              " entries (max_entries); stopped " + s.AfterWhat()));
    }
    const mode_t filetype = archive_entry_filetype(header);
    if (filetype == AE_IFDIR) {
      continue;  // no data, and members' paths name their folders; libarchive skips the rest
    }

    ArchiveEntry out;
    std::string_view raw_name;
    if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
      raw_name = s.raw_member_name;
    } else if (const char* utf8 = archive_entry_pathname_utf8(header); utf8 != nullptr) {
      raw_name = utf8;
    } else if (const char* raw = archive_entry_pathname(header); raw != nullptr) {
      raw_name = raw;  // not convertible: EscapeName keeps its bytes visible as %XX
    }
    SafeName name = MakeSafePath(raw_name, s.headers_read);
    out.path = std::move(name.path);
    AddProblem(&out, name.problem);
    if (archive_entry_mtime_is_set(header)) {
      out.mtime = static_cast<UtcMillis>(archive_entry_mtime(header)) * 1000 +
                  archive_entry_mtime_nsec(header) / 1'000'000;
    }

    const char* hardlink_utf8 = archive_entry_hardlink_utf8(header);
    const char* hardlink =
        hardlink_utf8 != nullptr ? hardlink_utf8 : archive_entry_hardlink(header);
    const std::string hardlink_target = hardlink != nullptr ? hardlink : "";
    bool has_data = false;
    if (hardlink != nullptr) {
      // A tar hard link has no data of its own; in cpio the last link carries the data. So read
      // it: with bytes it is a file like any other, without it is listed as a link.
      out.type = EntryType::kHardlink;
      has_data = true;
    } else {
      switch (filetype) {
        case AE_IFREG:
          out.type = EntryType::kFile;
          has_data = true;
          break;
        case AE_IFLNK: {
          out.type = EntryType::kSymlink;
          const char* target = archive_entry_symlink_utf8(header);
          if (target == nullptr) {
            target = archive_entry_symlink(header);
          }
          bool escaped = false;
          out.link_target = EscapeName(target != nullptr ? target : "", &escaped);
          AddProblem(&out, "symbolic link to " + Quote(out.link_target) +
                               " (links are recorded, never followed)");
          break;
        }
        case AE_IFCHR:
          out.type = EntryType::kDevice;
          AddProblem(&out, "character device entry (not a file; nothing to read)");
          break;
        case AE_IFBLK:
          out.type = EntryType::kDevice;
          AddProblem(&out, "block device entry (not a file; nothing to read)");
          break;
        case AE_IFIFO:
          out.type = EntryType::kFifo;
          AddProblem(&out, "named pipe (FIFO) entry (not a file; nothing to read)");
          break;
        case AE_IFSOCK:
          out.type = EntryType::kSocket;
          AddProblem(&out, "socket entry (not a file; nothing to read)");
          break;
        default: {
          // Whatever it is, its data may be evidence: read it (within the limits) like a file's.
          out.type = EntryType::kOther;
          has_data = true;
          std::array<char, 16> mode{};
          std::snprintf(mode.data(), mode.size(), "0%o", static_cast<unsigned>(filetype));
          AddProblem(&out, std::string("entry of unknown type (file type bits ") + mode.data() +
                               "); its data was read as a file's");
          break;
        }
      }
    }

    if (has_data && archive_entry_is_data_encrypted(header)) {
      if (out.type == EntryType::kHardlink) {
        out.type = EntryType::kFile;
      }
      out.complete = false;
      AddProblem(&out, "member is encrypted (password-protected " + FormatShortName(a) +
                           "); no password was given");
      // Not read: the next header skips its data.
    } else if (has_data) {
      DOCKET_RETURN_IF_ERROR(s.ReadMemberData(&out));
      if (out.type == EntryType::kHardlink && (!out.bytes.empty() || !out.complete)) {
        // The link carries data (cpio's last link): a file like any other, problems included.
        out.type = EntryType::kFile;
      } else if (out.type == EntryType::kHardlink) {
        out.link_target = MakeSafePath(hardlink_target, s.headers_read).path;
        AddProblem(&out, "hard link to " + Quote(out.link_target) +
                             " (links are recorded, never followed)");
      }
    }

    s.last_member = out.path;
    ++s.returned;
    *entry = std::move(out);
    return true;
  }
}

bool LooksLikeArchive(std::string_view head, std::string_view file_name) {
  std::string name = AsciiLower(BaseName(file_name));
  // Zip containers that are documents: an extractor reads them, not the archive walker.
  static constexpr std::array<std::string_view, 14> kZipDocuments = {
      ".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".xltx", ".pptx",
      ".pptm", ".potx", ".odt",  ".ods",  ".odp",  ".odg",  ".epub"};
  for (std::string_view ext : kZipDocuments) {
    if (EndsWith(name, ext)) {
      return false;
    }
  }
  auto starts = [&](std::string_view magic) {
    return head.size() >= magic.size() && head.substr(0, magic.size()) == magic;
  };
  using std::string_view_literals::operator""sv;
  if (starts("PK\x03\x04"sv)) {
    // The first member's name tells OOXML ([Content_Types].xml, _rels/) and ODF/EPUB
    // (mimetype) apart from a plain zip.
    if (head.size() >= 30) {
      size_t len = static_cast<unsigned char>(head[26]) |
                   (static_cast<size_t>(static_cast<unsigned char>(head[27])) << 8);
      std::string_view first = head.substr(30, std::min(len, head.size() - 30));
      if (first == "[Content_Types].xml" || first == "mimetype" || first.starts_with("_rels/")) {
        return false;
      }
    }
    return true;
  }
  static constexpr std::array<std::string_view, 15> kMagics = {
      "PK\x05\x06"sv,                // empty zip
      "PK\x07\x08"sv,                // spanned zip
      "\x1f\x8b"sv,                  // gzip
      "\x1f\x9d"sv,                  // compress (.Z)
      "BZh"sv,                       // bzip2
      "\xfd\x37\x7a\x58\x5a\x00"sv,  // xz
      "\x5d\x00\x00"sv,              // lzma alone
      "7z\xbc\xaf\x27\x1c"sv,        // 7z
      "\x28\xb5\x2f\xfd"sv,          // zstd
      "\x04\x22\x4d\x18"sv,          // lz4
      "LZIP"sv,                      // lzip
      "Rar!\x1a\x07"sv,              // rar 4 and 5
      "MSCF"sv,                      // cab
      "07070"sv,                     // cpio (odc/newc/crc)
      "xar!"sv,                      // xar
  };
  for (std::string_view magic : kMagics) {
    if (starts(magic)) {
      return true;
    }
  }
  if (head.size() >= 262 && head.substr(257, 5) == "ustar") {
    return true;  // POSIX/GNU tar
  }
  static constexpr std::array<std::string_view, 17> kExtensions = {
      ".zip", ".tar", ".tgz", ".tbz", ".tbz2", ".txz", ".tzst", ".gz", ".bz2",
      ".xz",  ".zst", ".7z",  ".rar", ".cpio", ".lz",  ".lzma", ".cab"};
  for (std::string_view ext : kExtensions) {
    if (EndsWith(name, ext)) {
      return true;
    }
  }
  return false;
}

}  // namespace docket
