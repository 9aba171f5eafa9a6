/** @file
 *  @brief Content hashes for custody and deduplication (OpenSSL EVP behind a small interface).
 *
 *  SHA-256 is Docket's own identity of a native (dedup, storage key, integrity). MD5 and SHA-1
 *  are kept beside it because review platforms and the other side's dedup lists still speak them
 *  (ediscovery.md §6 "Hashing"): every native gets all three at ingest and again at export.
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

/// MD5, SHA-1 and SHA-256 of the same bytes, lower-case hex.
struct NativeDigests {
  std::string md5;
  std::string sha1;
  std::string sha256;

  bool operator==(const NativeDigests&) const = default;
};

/// All three digests of `bytes` in one call.
NativeDigests ComputeDigests(std::string_view bytes);

/// MD5 and SHA-256 of `bytes`; `sha1` stays empty. For files that need no SHA-1 (an export's
/// text files: the manifest lists their MD5, Export Summary.csv their SHA-256).
NativeDigests ComputeMd5AndSha256(std::string_view bytes);

/// Incremental MD5 + SHA-1 + SHA-256 for bytes that arrive in pieces (export writes natives
/// block by block and hashes exactly what went into the package).
class DigestHasher {
 public:
  DigestHasher();
  ~DigestHasher();
  DigestHasher(const DigestHasher&) = delete;
  DigestHasher& operator=(const DigestHasher&) = delete;

  void Update(std::string_view bytes);
  /// The digests of everything passed to Update(); the hasher cannot be updated afterwards.
  NativeDigests Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
