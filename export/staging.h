/** @file
 *  @brief Staging: the files an export builds beside its package (load files, reports) before
 *  they are copied into it, each hashed (SHA-256) while it is written.
 *
 *  Export Summary.csv lists the SHA-256 of every other file of the package. The load files are
 *  written a document at a time while the natives go into the zip, when the writer's core has
 *  time to spare; hashing them there, block by block as they reach the file, leaves only the
 *  copy into the zip for the end of the export, when nothing else runs.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <string>

#include "common/result.h"

namespace docket {

/// What a staged file turned out to be.
struct StagedFileDigest {
  uint64_t size = 0;
  std::string sha256;  // lower-case hex
};

class Staging {
 public:
  explicit Staging(std::filesystem::path dir);
  /// Removes the folder and everything left in it.
  ~Staging();
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  /// Creates the folder, empty.
  Status Create();
  /// A new file `name` in the folder; the stream stays valid until the Staging is destroyed.
  Result<std::ostream*> Open(const std::string& name);
  /// Writes out what the stream of `name` still holds and closes it: its size and SHA-256, or
  /// IOError (disk full) naming the file.
  Result<StagedFileDigest> Close(const std::string& name);
  std::filesystem::path PathOf(const std::string& name) const { return dir_ / name; }

 private:
  class File;
  std::filesystem::path dir_;
  std::map<std::string, std::unique_ptr<File>> files_;
};

}  // namespace docket
