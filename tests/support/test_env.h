/** @file
 *  @brief Test contract: each test owns a temporary directory; Status assertions print messages.
 */
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/result.h"
#include "common/status.h"

namespace docket::testing {

/// A unique directory under $TMPDIR, removed when the test passed (kept for a post-mortem when
/// it failed).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The source tree (for data/ and fixtures); $DOCKET_SOURCE_DIR overrides the configured one.
std::filesystem::path SourceDir();
/// The built `docket` binary; $DOCKET_BINARY overrides the one this build made.
std::filesystem::path DocketBinary();

/// Reads a whole file; fails the test when it cannot.
std::string ReadFileOrDie(const std::filesystem::path& path);
void WriteFileOrDie(const std::filesystem::path& path, const std::string& bytes);

::testing::AssertionResult IsOk(const char* expr, const Status& status);
template <typename T>
::testing::AssertionResult IsOk(const char* expr, const Result<T>& result) {
  return IsOk(expr, result.status());
}

}  // namespace docket::testing

#define ASSERT_OK(expr) ASSERT_PRED_FORMAT1(::docket::testing::IsOk, (expr))
#define EXPECT_OK(expr) EXPECT_PRED_FORMAT1(::docket::testing::IsOk, (expr))
