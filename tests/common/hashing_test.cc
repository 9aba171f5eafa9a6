// Tests for common/hashing.h against published MD5, SHA-1 and SHA-256 vectors.
#include "common/hashing.h"

#include "tests/support/test_env.h"

namespace docket {
namespace {

TEST(HashingTest, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Hasher incremental;
  incremental.Update("a");
  incremental.Update("bc");
  EXPECT_EQ(incremental.FinishHex(), Sha256Hex("abc"));
}

TEST(HashingTest, DigestsMatchPublishedVectorsWholeAndInPieces) {
  const NativeDigests abc = ComputeDigests("abc");
  EXPECT_EQ(abc.md5, "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(abc.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(abc.sha256, Sha256Hex("abc"));
  DigestHasher pieces;
  pieces.Update("ab");
  pieces.Update("");
  pieces.Update("c");
  EXPECT_EQ(pieces.Finish(), abc);
  EXPECT_EQ(ComputeDigests("").md5, "d41d8cd98f00b204e9800998ecf8427e");
  const NativeDigests two = ComputeMd5AndSha256("abc");
  EXPECT_EQ(two.md5, abc.md5);
  EXPECT_EQ(two.sha256, abc.sha256);
  EXPECT_TRUE(two.sha1.empty());
  // Large inputs are hashed on two threads: the same digests as in pieces on one.
  std::string large(9u << 20, '\0');
  for (size_t i = 0; i < large.size(); ++i) {
    large[i] = static_cast<char>((i * 2654435761u) >> 13);
  }
  DigestHasher serial;
  for (size_t at = 0; at < large.size(); at += 1u << 20) {
    serial.Update(std::string_view(large).substr(at, 1u << 20));
  }
  const NativeDigests expected = serial.Finish();
  EXPECT_EQ(ComputeDigests(large), expected);
  const NativeDigests large_two = ComputeMd5AndSha256(large);
  EXPECT_EQ(large_two.md5, expected.md5);
  EXPECT_EQ(large_two.sha256, expected.sha256);
  EXPECT_EQ(large_two.sha256, Sha256Hex(large));
}

}  // namespace
}  // namespace docket
