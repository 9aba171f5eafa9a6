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

enum class ArchiveFormat { kZip, kTar, kTarGz, k7z, kGzipRaw };

/// The archive's bytes; members in the given order with mtime 2013-06-03T09:15:02Z.
std::string BuildArchive(ArchiveFormat format, const std::vector<ArchiveMember>& members);

}  // namespace docket::testing
