/** @file
 *  @brief Content hashes for custody and deduplication (OpenSSL EVP behind a small interface).
 */
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace docket {

/// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

/// Incremental SHA-256 for streams read block by block (archives, large natives).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view bytes);
  /// Lower-case hex digest; the hasher cannot be updated afterwards.
  std::string FinishHex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
