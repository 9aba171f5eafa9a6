/** @file
 *  @brief libarchive adapter: the only indexer file that sees ARCHIVE_* return codes.
 */
#include "indexer/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <system_error>
#include <vector>

#include "common/strings.h"

namespace docket {
namespace {

// Bytes handed to archive_read_data per call. Fixed: we never size a buffer from the archive.
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
  std::string last_member;  // path of the last member returned whole, for error messages
  std::optional<Status> final_status;
  // Open() reads the first header so that "not an archive" is reported by Open; Next() then
  // consumes it.
  bool has_pending_header = false;
  int pending_rc = ARCHIVE_OK;
  archive_entry* pending_entry = nullptr;
  std::vector<char> buffer = std::vector<char>(kReadBlockBytes);

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
    if (archive_entry_filetype(header) != AE_IFREG || archive_entry_hardlink(header) != nullptr) {
      continue;  // directories, links, devices: libarchive skips their data on the next header
    }
    std::string path;
    if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
      path = s.raw_member_name;
    } else if (const char* utf8 = archive_entry_pathname_utf8(header); utf8 != nullptr) {
      path = utf8;
    } else if (const char* raw = archive_entry_pathname(header); raw != nullptr) {
      path = raw;
    }
    if (archive_entry_is_encrypted(header)) {
      // Not final: the next header skips this member's data. The caller records the member.
      entry->path = path;
      entry->bytes.clear();
      return Status::Unimplemented("member " + Quote(path) +
                                   " is encrypted; Docket does not decrypt archive members");
    }

    std::string bytes;
    uint64_t expanded = 0;
    for (;;) {
      la_ssize_t n = archive_read_data(a, s.buffer.data(), s.buffer.size());
      if (n == 0) {
        break;
      }
      if (n < 0) {
        return s.Fail(Status::Corruption("member " + Quote(path) +
                                         " is truncated or corrupt: " + ArchiveErrorText(a)));
      }
      auto got = static_cast<uint64_t>(n);
      expanded += got;
      s.total_expanded += got;
      if (expanded > s.limits.max_entry_bytes) {
        return s.Fail(Status::ResourceExhausted("member " + Quote(path) + " expands past " +
                                                std::to_string(s.limits.max_entry_bytes) +
                                                " bytes (max_entry_bytes)"));
      }
      if (s.total_expanded > s.limits.max_total_bytes) {
        return s.Fail(Status::ResourceExhausted(
            "archive expands past " + std::to_string(s.limits.max_total_bytes) +
            " bytes in all (max_total_bytes); stopped in member " + Quote(path)));
      }
      if (s.input_size > 0 && s.total_expanded > kRatioFloorBytes &&
          ProductExceeds(s.input_size, s.limits.max_ratio, s.total_expanded)) {
        return s.Fail(Status::ResourceExhausted(
            "member " + Quote(path) + " expands past " + std::to_string(s.limits.max_ratio) +
            " times the archive's " + std::to_string(s.input_size) +
            " compressed bytes (max_ratio); likely a decompression bomb"));
      }
      bytes.append(s.buffer.data(), got);
    }

    entry->path = std::move(path);
    entry->bytes = std::move(bytes);
    entry->mtime = 0;
    if (archive_entry_mtime_is_set(header)) {
      entry->mtime = static_cast<UtcMillis>(archive_entry_mtime(header)) * 1000 +
                     archive_entry_mtime_nsec(header) / 1'000'000;
    }
    s.last_member = entry->path;
    ++s.returned;
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
