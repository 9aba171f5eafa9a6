/** @file
 *  @brief Builds zip/tar/tar.gz/7z/gzip archives in memory for tests, including hostile ones
 *         (links, device nodes, unsafe names, encrypted members).
 */
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace docket::testing {

/// What an ArchiveMember is written as. Not every format stores every type: zip stores files,
/// directories and symbolic links; tar (pax) and 7z store all of them (7z: no devices).
enum class MemberType { kFile, kDirectory, kSymlink, kHardlink, kCharDevice, kBlockDevice, kFifo };

struct ArchiveMember {
  std::string path;        // written exactly as given: absolute, "../" and backslash names included
  std::string bytes;       // data of a kFile
  bool directory = false;  // shorthand for type = kDirectory
  MemberType type = MemberType::kFile;
  std::string link_target;  // kSymlink: the target text; kHardlink: an earlier member's path
  bool encrypted = false;   // kZipByHand only: this member alone is encrypted
  // kTar/kTarGz: a sparse file. Its data regions as (offset, length); the rest of `bytes` is a
  // hole (not stored). Empty: an ordinary file.
  std::vector<std::pair<int64_t, int64_t>> data_regions;
};

// kZipEncrypted: every member with traditional PKWARE encryption, passphrase "secret" (libarchive
// takes writer options only before the archive is opened, so encryption is per archive).
// kZipByHand: a stored (uncompressed) zip of regular files written by our own code rather than
// libarchive's, so that single members can be encrypted (ArchiveMember::encrypted, traditional
// PKWARE encryption, passphrase "secret") next to plain ones.
enum class ArchiveFormat { kZip, kZipEncrypted, kZipByHand, kTar, kTarGz, k7z, kGzipRaw };

/// The archive's bytes; members in the given order with mtime 2013-06-03T09:15:02Z.
std::string BuildArchive(ArchiveFormat format, const std::vector<ArchiveMember>& members);

}  // namespace docket::testing
