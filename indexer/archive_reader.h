/** @file
 *  @brief Streams the members of one archive (zip, tar, 7z, cpio, ar, iso, compressed single
 *         files ...) into memory, within ArchiveLimits.
 *
 *  Built on libarchive. Nothing is extracted to disk, and no buffer is sized from what the
 *  archive claims: data is read in fixed blocks and counted (style.md §c.12). Nested archives are
 *  opened by the caller with OpenMemory on a member's bytes; the caller enforces max_depth.
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

/// One regular file read out of an archive.
struct ArchiveEntry {
  std::string path;     // member path inside the archive, UTF-8 where libarchive could convert it
  std::string bytes;    // the whole expanded member
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

  /// Reads the next regular file (directories, links and device nodes are skipped).
  /// Returns true with `entry` filled, or false at the clean end of the archive.
  /// A non-OK status reports corruption or truncation (kCorruption) or a limit
  /// (kResourceExhausted), naming the member, e.g.
  ///   "archive is truncated or corrupt after member 'x/y.eml': <libarchive text>"
  ///   "member 'big.bin' expands past 1073741824 bytes (max_entry_bytes)"
  /// Entries returned before stay valid; a member cut short is never returned. Such a status is
  /// final: later calls return it again. The one exception is a member we cannot decrypt
  /// (kUnimplemented): `entry->path` then names it (bytes empty), and the next call continues
  /// with the following member.
  Result<bool> Next(ArchiveEntry* entry);

  /// Number of regular-file members returned so far.
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
