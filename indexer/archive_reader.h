/** @file
 *  @brief Streams the members of one archive (zip, tar, 7z, cpio, ar, iso, compressed single
 *         files ...) into memory, within ArchiveLimits.
 *
 *  Built on libarchive. Nothing is extracted to disk, and no buffer is sized from what the
 *  archive claims: data is read in fixed blocks and counted (style.md §c.12). Nested archives are
 *  opened by the caller with OpenMemory on a member's bytes; the caller enforces max_depth.
 *
 *  Hostile or broken members (links, devices, encrypted, oversized, truncated, unsafe names)
 *  come back as entries with a `problem`, so the caller can record every one; only damage that
 *  hides the rest of the archive, or an archive-wide limit, ends the walk with a status.
 *
 *  libarchive's headers stay in archive_reader.cc.
 */
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time_util.h"
#include "indexer/archive_limits.h"

namespace docket {

/// What kind of archive entry an ArchiveEntry is. Directories are never returned: they hold no
/// data, and every member's path already names its folders.
enum class EntryType {
  kFile,      // a regular file: `bytes` holds its data
  kSymlink,   // a symbolic link: `link_target` holds the target text; never followed
  kHardlink,  // a hard link to an earlier member that carries no data of its own
  kDevice,    // a character or block device node
  kFifo,      // a named pipe
  kSocket,    // a Unix socket
  kOther,     // a type libarchive reports but we do not know; its data is read like a file's
};

/// Short lowercase name of a type ("file", "symbolic link", ...), for messages and listings.
std::string_view EntryTypeName(EntryType type);

/// One entry read out of an archive. Every entry that is not a directory is returned, whatever
/// is wrong with it, so the caller can record it; `problem` says what is wrong.
///
/// How to read one:
///  - `problem` empty: a clean, complete regular file (`type == kFile`, `complete == true`).
///  - `type != kFile`: nothing to index. `bytes` is empty (except kOther, read like a file);
///    `problem` describes the entry ("symbolic link to '/etc/passwd' (links are recorded, never
///    followed)").
///  - `complete == false`: bytes are missing. `bytes` holds what was read (possibly nothing):
///    a member cut short by truncation or damage keeps the bytes before the damage; an encrypted
///    member or one larger than max_entry_bytes has none.
///  - `complete == true` with a problem on a kFile: the data is whole but something else was
///    wrong, e.g. an unsafe name that `path` now replaces.
/// Several problems are joined with "; ".
struct ArchiveEntry {
  // Safe relative path inside the archive, '/'-separated, valid UTF-8, never empty, with no
  // root, no drive letter, no "." or ".." segments and no control characters. When the name
  // in the archive was not like that, `problem` quotes it and says how it was rewritten.
  std::string path;
  EntryType type = EntryType::kFile;
  // The expanded data read (see above); never more than max_entry_bytes.
  std::string bytes;
  // False when the member has data we did not get: truncated, corrupt, encrypted or too large.
  bool complete = true;
  // Empty for a clean regular file; otherwise one or more sentences a person can act on.
  std::string problem;
  // kSymlink: the target text as stored (escaped like `path` if it holds control characters
  // or bytes that are not UTF-8); only data, never resolved. kHardlink: the target member's
  // path, normalised like `path`, so it matches the `path` of the member it links to.
  // Empty otherwise.
  std::string link_target;
  UtcMillis mtime = 0;  // member modification time; 0 when the archive has none
};

class ArchiveReader {
 public:
  /// Opens an archive file. Fails with InvalidArgument when the file is not an archive we read,
  /// IOError when it cannot be opened. A lone compressed file (`x.eml.gz`) opens as an archive
  /// with one member named after the file minus its compression suffix (`x.eml`).
  static Result<std::unique_ptr<ArchiveReader>> OpenFile(const std::filesystem::path& path,
                                                         const ArchiveLimits& limits);

  /// Opens an archive held in memory. `bytes` must outlive the reader. `name_hint` is the file
  /// name the bytes came from (optional); it names the single member of a lone compressed file
  /// (`x.eml.gz` -> `x.eml`). Without a hint that member is called "data".
  static Result<std::unique_ptr<ArchiveReader>> OpenMemory(std::string_view bytes,
                                                           const ArchiveLimits& limits,
                                                           std::string_view name_hint = {});

  /// Reads the next entry (directories are skipped). Returns true with `entry` filled, or false
  /// at the clean end of the archive. A problem with one member is reported in the entry
  /// (ArchiveEntry::problem) and reading goes on; a non-OK status ends the archive:
  ///  - kCorruption: the archive is truncated or damaged so that no further member can be
  ///    found, e.g. "archive is truncated or corrupt in member 'x/y.eml': <libarchive text>".
  ///    When the damage falls inside a member's data, that member is returned first (complete
  ///    false, with the bytes before the damage) and the status comes with the next call.
  ///  - kResourceExhausted: the archive as a whole passed max_entries, max_total_bytes or
  ///    max_ratio (a likely decompression bomb); the member being read is not returned.
  /// A member over max_entry_bytes alone is not final: it is returned without its bytes.
  /// Entries returned before stay valid. A non-OK status is final: later calls return it again.
  Result<bool> Next(ArchiveEntry* entry);

  /// Number of entries returned so far (every type, complete or not).
  uint64_t entries_returned() const;

  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

 private:
  struct Impl;
  explicit ArchiveReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// True when `head` (the first few KB of a file) or `file_name` look like an archive we open:
/// zip, tar, gzip, bzip2, xz, zstd, 7z, rar, cpio, and their combinations (tar.gz, tgz, ...).
/// Zip-based documents (OOXML .docx/.xlsx/.pptx, ODF, EPUB) are not archives here: they are
/// documents for an extractor, and this returns false for them.
bool LooksLikeArchive(std::string_view head, std::string_view file_name);

}  // namespace docket
