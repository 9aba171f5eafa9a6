/** @file
 *  @brief Temporary directories and status assertions for every test binary.
 */
#include "tests/support/test_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace docket::testing {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  const char* tmp = std::getenv("TMPDIR");
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info != nullptr ? std::string(info->test_suite_name()) + "." + info->name()
                                     : std::string("docket");
  for (char& c : name) {
    if (c == '/') {
      c = '_';
    }
  }
  path_ =
      std::filesystem::path(tmp != nullptr ? tmp : "/tmp") /
      ("docket-test-" + name + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr || !info->result()->Failed()) {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
}

std::filesystem::path SourceDir() {
  const char* dir = std::getenv("DOCKET_SOURCE_DIR");
  return dir != nullptr ? std::filesystem::path(dir)
                        : std::filesystem::path(DOCKET_DEFAULT_SOURCE_DIR);
}

std::filesystem::path DocketBinary() {
  const char* bin = std::getenv("DOCKET_BINARY");
  return bin != nullptr ? std::filesystem::path(bin) : std::filesystem::path(DOCKET_DEFAULT_BINARY);
}

std::string ReadFileOrDie(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFileOrDie(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

::testing::AssertionResult IsOk(const char* expr, const Status& status) {
  if (status.ok()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << expr << " failed: " << status.ToString();
}

}  // namespace docket::testing
