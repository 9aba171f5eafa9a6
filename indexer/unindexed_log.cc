/** @file
 *  @brief Walks the store for items not fully indexed and finds the source file of each.
 */
#include "indexer/unindexed_log.h"

#include <unordered_map>

#include "common/strings.h"
#include "storage/doc_store.h"

namespace docket {
namespace {

// The source path of the family `item` belongs to: its root ancestor's native is the file that
// was ingested, and the sources table maps that hash to the path as given.
class SourceResolver {
 public:
  explicit SourceResolver(const DocStore& store) : store_(store) {}

  std::string SourceOf(const Item& item) {
    Item root = item;
    for (int depth = 0; root.parent_id != kNoItem && depth < 64; ++depth) {
      auto parent = store_.GetItem(root.parent_id);
      if (!parent.ok()) {
        break;  // a family cut short by a crash mid-write: report what is known
      }
      root = std::move(*parent);
    }
    if (auto cached = by_root_.find(root.id); cached != by_root_.end()) {
      return cached->second;
    }
    auto source = store_.GetSource(root.sha256);
    std::string path = source.ok() ? source->path : root.ipath;
    by_root_.emplace(root.id, path);
    return path;
  }

 private:
  const DocStore& store_;
  std::unordered_map<ItemId, std::string> by_root_;
};

}  // namespace

Status ForEachUnindexed(const DocStore& store,
                        const std::function<void(const UnindexedEntry&)>& fn) {
  SourceResolver resolver(store);
  return store.ForEachItem([&](const Item& item) {
    if (item.state != IndexState::kIndexed) {
      fn(UnindexedEntry{item, resolver.SourceOf(item)});
    }
    return true;
  });
}

void WriteUnindexedCsvHeader(std::ostream& out) { out << "state,id,source,ipath,size,reason\r\n"; }

void WriteUnindexedCsvRow(std::ostream& out, const UnindexedEntry& entry) {
  const Item& item = entry.item;
  out << IndexStateName(item.state) << ',' << item.id << ',' << CsvField(entry.source) << ','
      << CsvField(item.ipath) << ',' << item.size << ',' << CsvField(item.state_reason) << "\r\n";
}

}  // namespace docket
