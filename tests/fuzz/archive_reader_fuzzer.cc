/** @file
 *  @brief Fuzz target: archive bytes of any format through ArchiveReader, nested once, checking
 *         the promises ArchiveEntry makes about hostile members.
 */
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "indexer/archive_reader.h"

namespace {

constexpr uint64_t kMaxEntryBytes = 1 << 20;

// What every entry promises, whatever the input: a safe relative path, memory within the
// limit, and no bytes on entries that have no data. A broken promise is a crash to keep.
void CheckEntry(const docket::ArchiveEntry& entry) {
  const std::string_view path = entry.path;
  bool safe = !path.empty() && path.front() != '/' && path.back() != '/' &&
              path.find('\\') == std::string_view::npos &&
              path.find("//") == std::string_view::npos && entry.bytes.size() <= kMaxEntryBytes;
  size_t start = 0;
  while (safe && start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view segment = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    safe = segment != "." && segment != "..";
    start = slash == std::string_view::npos ? path.size() + 1 : slash + 1;
  }
  for (unsigned char c : path) {
    safe = safe && c >= 0x20 && c != 0x7F;
  }
  const bool clean = entry.problem.empty();
  const bool data_type =
      entry.type == docket::EntryType::kFile || entry.type == docket::EntryType::kOther;
  if (!safe || (clean && (!entry.complete || entry.type != docket::EntryType::kFile)) ||
      (!data_type && !entry.bytes.empty())) {
    std::abort();
  }
}

void ReadAll(std::string_view bytes, int depth) {
  docket::ArchiveLimits limits;
  limits.max_entry_bytes = kMaxEntryBytes;  // keep a run's memory small; limits are part of it
  limits.max_total_bytes = 8 << 20;
  limits.max_entries = 1000;
  auto reader = docket::ArchiveReader::OpenMemory(bytes, limits, "fuzz.bin");
  if (!reader.ok()) {
    return;
  }
  for (int i = 0; i < 1000; ++i) {
    docket::ArchiveEntry entry;
    auto next = (*reader)->Next(&entry);
    if (!next.ok() || !*next) {
      return;  // a clean end or a final status
    }
    CheckEntry(entry);
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
