/** @file
 *  @brief Fuzz target: bytes as an LcsLog dump folder. The input is split at the first "\n--\n"
 *         into a Messages table and a Users table, written to a fresh temporary folder, and
 *         imported to the end. The first byte picks the file names, so CSV (header detection,
 *         quoting) and headerless bcp (default columns, line-break repair) are both reached.
 */
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "indexer/lcslog_importer.h"

namespace {

void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  static const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("lcslog_fuzz_" + std::to_string(getpid()));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  const bool csv = data[0] % 2 == 0;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t split = bytes.find("\n--\n");
  WriteFile(dir / (csv ? "Messages.csv" : "Messages.dat"), bytes.substr(0, split));
  if (split != std::string_view::npos) {
    WriteFile(dir / (csv ? "Users.csv" : "Users.dat"), bytes.substr(split + 4));
  }
  auto importer = docket::LcsLogImporter::Open(dir);
  if (importer.has_value()) {
    docket::LcsLogSession session;
    for (int i = 0; i < 10000; ++i) {
      auto more = (*importer)->Next(&session);
      if (!more.has_value() || !*more) {
        break;
      }
    }
  }
  std::filesystem::remove_all(dir, ec);
  return 0;
}
