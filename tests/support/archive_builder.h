/** @file
 *  @brief Builds zip/tar/tar.gz/7z/gzip archives in memory for tests.
 */
#pragma once

#include <string>
#include <vector>

namespace docket::testing {

struct ArchiveMember {
  std::string path;
  std::string bytes;
  bool directory = false;
};

// kZipEncrypted: every member with traditional PKWARE encryption, passphrase "secret" (libarchive
// takes writer options only before the archive is opened, so encryption is per archive).
enum class ArchiveFormat { kZip, kZipEncrypted, kTar, kTarGz, k7z, kGzipRaw };

/// The archive's bytes; members in the given order with mtime 2013-06-03T09:15:02Z.
std::string BuildArchive(ArchiveFormat format, const std::vector<ArchiveMember>& members);

}  // namespace docket::testing
