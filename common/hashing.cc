/** @file
 *  @brief SHA-256, SHA-1 and MD5 through OpenSSL 3's EVP interface.
 */
#include "common/hashing.h"

#include <openssl/evp.h>

#include <stdexcept>
#include <thread>

namespace docket {
namespace {

std::string ToHex(const unsigned char* digest, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

// The digest implementations, fetched once. OpenSSL 3 looks an EVP_sha256()-style digest up in
// its provider registry on every EVP_DigestInit_ex; exports start three digests per document, and
// that lookup was a tenth of their hashing time.
const EVP_MD* Fetched(const char* name) {
  static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const std::string_view wanted(name);
  return wanted == "MD5" ? md5 : wanted == "SHA-1" ? sha1 : sha256;
}

// One EVP context for `md`. Failure means OpenSSL cannot allocate or lacks the digest (a broken
// installation, e.g. a FIPS provider without MD5), not an input problem.
EVP_MD_CTX* NewDigestContext(const EVP_MD* md, const char* name) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, md, nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    throw std::runtime_error(std::string("OpenSSL could not initialise ") + name);
  }
  return ctx;
}

std::string FinishHexDigest(EVP_MD_CTX* ctx) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, digest, &length);
  return ToHex(digest, length);
}

}  // namespace

struct Sha256Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = NewDigestContext(Fetched("SHA-256"), "SHA-256");
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(impl_->ctx); }

void Sha256Hasher::Update(std::string_view bytes) {
  EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size());
}

std::string Sha256Hasher::FinishHex() { return FinishHexDigest(impl_->ctx); }

std::string Sha256Hex(std::string_view bytes) {
  Sha256Hasher hasher;
  hasher.Update(bytes);
  return hasher.FinishHex();
}

struct DigestHasher::Impl {
  EVP_MD_CTX* md5 = nullptr;
  EVP_MD_CTX* sha1 = nullptr;
  EVP_MD_CTX* sha256 = nullptr;
};

DigestHasher::DigestHasher() : impl_(std::make_unique<Impl>()) {
  impl_->md5 = NewDigestContext(Fetched("MD5"), "MD5");
  impl_->sha1 = NewDigestContext(Fetched("SHA-1"), "SHA-1");
  impl_->sha256 = NewDigestContext(Fetched("SHA-256"), "SHA-256");
}

DigestHasher::~DigestHasher() {
  EVP_MD_CTX_free(impl_->md5);
  EVP_MD_CTX_free(impl_->sha1);
  EVP_MD_CTX_free(impl_->sha256);
}

void DigestHasher::Update(std::string_view bytes) {
  EVP_DigestUpdate(impl_->md5, bytes.data(), bytes.size());
  EVP_DigestUpdate(impl_->sha1, bytes.data(), bytes.size());
  EVP_DigestUpdate(impl_->sha256, bytes.data(), bytes.size());
}

NativeDigests DigestHasher::Finish() {
  return NativeDigests{FinishHexDigest(impl_->md5), FinishHexDigest(impl_->sha1),
                       FinishHexDigest(impl_->sha256)};
}

namespace {

// The hex digest of `bytes` with `md`, in a context the thread keeps for that digest: an export
// of small documents hashes five buffers per document, and allocating and freeing a context
// for each cost about as much as hashing a transcript.
std::string HexDigestOf(const EVP_MD* md, const char* name, std::string_view bytes) {
  struct Contexts {
    const EVP_MD* md[3] = {};
    EVP_MD_CTX* ctx[3] = {};
    ~Contexts() {
      for (EVP_MD_CTX* context : ctx) {
        EVP_MD_CTX_free(context);
      }
    }
  };
  thread_local Contexts contexts;
  EVP_MD_CTX* ctx = nullptr;
  for (size_t i = 0; i < 3 && ctx == nullptr; ++i) {
    if (contexts.md[i] == nullptr) {
      contexts.md[i] = md;
      contexts.ctx[i] = NewDigestContext(md, name);
    }
    if (contexts.md[i] == md) {
      ctx = contexts.ctx[i];
    }
  }
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, md, nullptr) != 1) {
    throw std::runtime_error(std::string("OpenSSL could not initialise ") + name);
  }
  EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
  return FinishHexDigest(ctx);
}

// From this size on, MD5 (the slowest of the three, and serial by nature) runs on a thread of
// its own beside the others. A single large native otherwise holds up an export's writer while
// the other core has nothing to do (a 24 MB transcript export took a quarter second on one
// core); below it, starting a thread costs more than it saves.
constexpr size_t kParallelDigestBytes = 4u << 20;

}  // namespace

// Runs `md5` and `rest`, on two threads when `bytes` is large.
template <typename Md5, typename Rest>
void DigestBeside(std::string_view bytes, Md5&& md5, Rest&& rest) {
  if (bytes.size() < kParallelDigestBytes) {
    md5();
    rest();
    return;
  }
  std::thread md5_thread(md5);
  rest();
  md5_thread.join();
}

NativeDigests ComputeDigests(std::string_view bytes) {
  NativeDigests digests;
  DigestBeside(
      bytes, [&] { digests.md5 = HexDigestOf(Fetched("MD5"), "MD5", bytes); },
      [&] {
        digests.sha1 = HexDigestOf(Fetched("SHA-1"), "SHA-1", bytes);
        digests.sha256 = HexDigestOf(Fetched("SHA-256"), "SHA-256", bytes);
      });
  return digests;
}

NativeDigests ComputeMd5AndSha256(std::string_view bytes) {
  NativeDigests digests;
  DigestBeside(
      bytes, [&] { digests.md5 = HexDigestOf(Fetched("MD5"), "MD5", bytes); },
      [&] { digests.sha256 = HexDigestOf(Fetched("SHA-256"), "SHA-256", bytes); });
  return digests;
}

}  // namespace docket
