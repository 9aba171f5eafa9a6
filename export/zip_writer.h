/** @file
 *  @brief ZipWriter: the production package, streamed into a zip through libarchive (zip64),
 *  hashing every entry's bytes as they are written. libarchive stays in zip_writer.cc.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/hashing.h"
#include "common/result.h"
#include "common/time_util.h"

namespace docket {

struct ZipEntryOptions {
  // Deflate the entry. Natives are stored as they are (most are already compressed, and
  // storing keeps the export at disk speed); the exporter stores every entry. Default: false
  bool compress = false;
  // The entry's modification time. Exports set it from the item (its sent time) or a fixed
  // date, never from the clock, so the same export gives the same zip. Default: 0 (1980-01-01)
  UtcMillis modified = 0;
  // Hash the entry's bytes (MD5, SHA-1, SHA-256) and return the digests. A caller that already
  // hashed the very buffer it hands over (the exporter does, on its read-ahead threads) turns
  // this off and gets empty digests back. Default: true
  bool hash = true;
};

class ZipWriter {
 public:
  /// Creates (truncates) `file`. The writer holds no more than one block of an entry in memory.
  static Result<std::unique_ptr<ZipWriter>> Create(const std::filesystem::path& file);
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  /// Adds an entry holding `bytes`; returns the digests of exactly those bytes. `name` is a
  /// relative path with forward slashes; names with "..", a leading '/' or a backslash are
  /// InvalidArgument.
  Result<NativeDigests> AddEntry(std::string_view name, std::string_view bytes,
                                 const ZipEntryOptions& options);
  /// Adds an entry streamed from `source` in blocks (the load files and reports, which are
  /// built in files beside the package rather than in memory).
  Result<NativeDigests> AddFileEntry(std::string_view name, const std::filesystem::path& source,
                                     const ZipEntryOptions& options);
  /// Writes the central directory (zip64 when needed), flushes and fsyncs the file. No entry
  /// can be added afterwards. A writer destroyed without Close() leaves an unusable file.
  Status Close();

  /// Bytes written to the file so far (compressed entries and headers included).
  uint64_t bytes_written() const;
  /// SHA-256 of the whole zip file as written, read back from the file on a thread of its own
  /// while the writer goes on; valid after a successful Close(), empty before.
  const std::string& package_sha256() const;

 private:
  struct Impl;
  explicit ZipWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
