/** @file
 *  @brief Fuzz target: archive bytes of any format through ArchiveReader, nested once.
 */
#include <cstdint>
#include <string>

#include "indexer/archive_reader.h"

namespace {

void ReadAll(std::string_view bytes, int depth) {
  docket::ArchiveLimits limits;
  limits.max_entry_bytes = 1 << 20;  // keep a run's memory small; limits are part of the target
  limits.max_total_bytes = 8 << 20;
  limits.max_entries = 1000;
  auto reader = docket::ArchiveReader::OpenMemory(bytes, limits, "fuzz.bin");
  if (!reader.ok()) {
    return;
  }
  for (int i = 0; i < 1000; ++i) {
    docket::ArchiveEntry entry;
    auto next = (*reader)->Next(&entry);
    if (next.ok() && !*next) {
      return;
    }
    if (!next.ok()) {
      if (next.error().code() == docket::StatusCode::kUnimplemented) {
        continue;  // an encrypted member: the reader goes on
      }
      return;
    }
    if (depth == 0 && docket::LooksLikeArchive(entry.bytes, entry.path)) {
      ReadAll(entry.bytes, depth + 1);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ReadAll(std::string_view(reinterpret_cast<const char*>(data), size), 0);
  return 0;
}
