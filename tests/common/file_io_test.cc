// Tests for common/file_io.h: every byte reaches the file, and a refused write is the errno
// that refused it.
#include "common/file_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "tests/support/test_env.h"

namespace docket {
namespace {

using ::docket::testing::ReadFileOrDie;
using ::docket::testing::TempDir;

TEST(WriteAllTest, WritesEveryByte) {
  TempDir dir;
  const std::string path = (dir.path() / "out.bin").string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  std::string bytes(5 * 1024 * 1024 + 3, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(i * 31 % 251);
  }
  EXPECT_EQ(WriteAll(fd, bytes), 0);
  EXPECT_EQ(WriteAll(fd, ""), 0);
  ::close(fd);
  EXPECT_EQ(ReadFileOrDie(path), bytes);
}

TEST(WriteAllTest, AFailedWriteIsItsErrno) {
  EXPECT_EQ(WriteAll(-1, "lost"), EBADF);
  TempDir dir;
  const std::string path = (dir.path() / "read-only.bin").string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(WriteAll(fd, "not writable"), EBADF);
  ::close(fd);
}

}  // namespace
}  // namespace docket
