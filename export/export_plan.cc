/** @file
 *  @brief PlanExport: selection → families → copies → dedupe → control numbers.
 *
 *  Vocabulary:
 *  - A *family* is a parent (an email, an IM conversation, a meeting, a loose file) with every
 *    item below it (attachments, uploaded handouts, nested archives and their members). Its
 *    parent is found by walking up from any member and stopping below the containers the
 *    member was collected in (the zip or PST given to `docket ingest`): those hold families,
 *    they are not part of one.
 *  - A *copy* is one place the family's parent was found. Ingest stores identical content once
 *    and records every further place as a location (storage/doc_store.h), so a message found
 *    in three custodians' mailboxes is one stored family with three copies.
 *  - Dedupe decides which copies become documents; the others are listed as withheld
 *    duplicates with the DocID that stands for them (Duplicates.csv).
 */
#include "export/export_plan.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "storage/doc_store.h"

namespace docket {
namespace {

struct Copy {
  std::string custodian;
  std::string source_path;
};

// One family (or, with families excluded, one item) and its members in document order.
struct Unit {
  ItemId root = kNoItem;
  std::string sha256;
  std::vector<ItemId> members;                   // root first, then depth-first in id order
  std::unordered_map<ItemId, ItemId> parent_of;  // within the unit
  std::vector<Copy> copies;                      // the root's own place first
};

class Planner {
 public:
  Planner(const ExportOptions& options, const DocStore& store) : options_(options), store_(store) {}

  Result<ExportPlan> Run(const std::vector<ItemId>& matched, const std::vector<ItemId>& unindexed) {
    ExportPlan plan;
    {
      // A plan over a good share of the store reads every location and every children-index
      // entry in one pass each, beside the item reads (see PreloadLocations).
      const uint64_t candidates = matched.size() + unindexed.size();
      const bool scan_locations =
          candidates > 0 && candidates * kKeysPerSeek >= store_.EstimateLocationCount();
      const bool scan_children = candidates > 0 && options_.families == ExportFamilies::kInclude &&
                                 candidates * kKeysPerSeek >= store_.EstimateChildCount();
      std::optional<std::jthread> scans;
      Status scanned;
      if (scan_locations || scan_children) {
        scans.emplace([&] {
          scanned = scan_locations ? PreloadLocations() : Status::OK();
          if (scanned.ok() && scan_children) {
            scanned = PreloadChildren();
          }
        });
      }
      Status items = Preload(matched);
      if (items.ok() && options_.include != ExportInclude::kIndexed) {
        items = Preload(unindexed);
      }
      scans.reset();  // joins
      DOCKET_RETURN_IF_ERROR(items);
      DOCKET_RETURN_IF_ERROR(scanned);
    }
    // The selected items in id order (a sorted vector: a std::set of 25,000 ids was a tree node
    // each, on the single planning thread).
    std::vector<ItemId> selected;
    if (options_.include != ExportInclude::kUnindexed) {
      selected.reserve(matched.size());
      for (ItemId id : matched) {
        DOCKET_ASSIGN_OR_RETURN(const Item* item, Load(id));
        if (item->kind != ItemKind::kImMessage && responsive_.insert(id).second) {
          selected.push_back(id);
        }
      }
      plan.matched = responsive_.size();
    }
    if (options_.include != ExportInclude::kIndexed) {
      std::unordered_set<ItemId> added;
      for (ItemId id : unindexed) {
        DOCKET_ASSIGN_OR_RETURN(const Item* item, Load(id));
        if (item->kind != ItemKind::kImMessage && responsive_.count(id) == 0 &&
            added.insert(id).second) {
          selected.push_back(id);
          ++plan.unindexed;
        }
      }
    }
    std::sort(selected.begin(), selected.end());

    // Roots in id order: a family is listed where its parent was ingested.
    std::vector<ItemId> root_ids;
    root_ids.reserve(selected.size());
    for (ItemId id : selected) {
      ItemId root = id;
      if (options_.families == ExportFamilies::kInclude) {
        DOCKET_ASSIGN_OR_RETURN(root, FamilyParent(id));
      }
      root_ids.push_back(root);
    }
    std::sort(root_ids.begin(), root_ids.end());
    root_ids.erase(std::unique(root_ids.begin(), root_ids.end()), root_ids.end());
    DOCKET_ASSIGN_OR_RETURN(std::vector<Unit> units, BuildUnits(root_ids));

    size_t most_documents = 0;  // every copy of every unit produced
    for (const Unit& unit : units) {
      most_documents += unit.members.size() * unit.copies.size();
    }
    plan.documents.reserve(most_documents);
    // Content already produced: sha256 (+ custodian) -> the DocID standing for it.
    std::unordered_map<std::string, std::string> produced;
    produced.reserve(units.size());
    uint64_t next_number = options_.bates_start;
    for (size_t r = 0; r < root_ids.size(); ++r) {
      const ItemId root = root_ids[r];
      const Unit& unit = units[r];
      for (const Copy& copy : unit.copies) {
        std::string key = unit.sha256.empty() ? "item:" + std::to_string(root) : unit.sha256;
        if (options_.dedupe == ExportDedupe::kCustodian) {
          key += '\n' + copy.custodian;
        }
        if (options_.dedupe != ExportDedupe::kNone) {
          if (auto kept = produced.find(key); kept != produced.end()) {
            plan.duplicates.push_back({root, kept->second, copy.custodian, copy.source_path});
            continue;
          }
        }
        const size_t first = plan.documents.size();
        for (ItemId member : unit.members) {
          PlannedDocument doc;
          doc.item_id = member;
          doc.doc_id = ControlNumber(options_.bates_prefix, next_number++, options_.bates_digits);
          doc.custodian = copy.custodian;
          doc.responsive = responsive_.count(member) > 0;
          if (member == root) {
            doc.source_path = copy.source_path;
          } else {
            DOCKET_ASSIGN_OR_RETURN(const Item* item, Load(member));
            // A member's place is its path inside this copy of the parent.
            doc.source_path = RebasePath(item->ipath, unit, copy);
          }
          if (auto parent = unit.parent_of.find(member); parent != unit.parent_of.end()) {
            // Members are planned in unit order, so the parent's document is at its position.
            const auto at = std::find(unit.members.begin(), unit.members.end(), parent->second);
            if (at == unit.members.end()) {
              return Status::Internal("item " + std::to_string(member) + "'s parent " +
                                      std::to_string(parent->second) + " is not in its family");
            }
            PlannedDocument& parent_doc =
                plan.documents[first + static_cast<size_t>(at - unit.members.begin())];
            doc.parent_doc_id = parent_doc.doc_id;
            parent_doc.attachment_ids.push_back(doc.doc_id);
          }
          plan.documents.push_back(std::move(doc));
        }
        const std::string begin = plan.documents[first].doc_id;
        const std::string end = plan.documents.back().doc_id;
        for (size_t i = first; i < plan.documents.size(); ++i) {
          plan.documents[i].begin_attach = begin;
          plan.documents[i].end_attach = end;
        }
        produced.emplace(std::move(key), begin);
      }
    }
    plan.items = std::move(cache_);
    plan.texts = std::move(texts_);
    return plan;
  }

 private:
  // Reads and decodes `ids` on two threads (a store read and a JSON decode per item were most
  // of planning a large export), then caches them for Load. Each thread files what it reads in
  // maps of its own, spliced into the cache afterwards node by node, without moving an item
  // (moving 30,000 items into the cache on one thread took a core for 40 ms with the other
  // idle).
  Status Preload(const std::vector<ItemId>& ids) {
    std::vector<std::unordered_map<ItemId, Item>> loaded(kThreads);
    std::vector<std::unordered_map<ItemId, std::string>> texts(kThreads);
    DOCKET_RETURN_IF_ERROR(ForEachChunk(
        ids.size(), [&](DocStore::Reader& reader, size_t t, size_t begin, size_t end) -> Status {
          for (size_t i = begin; i < end; ++i) {
            DOCKET_ASSIGN_OR_RETURN(Item item, ReadForPlan(reader, ids[i]));
            TakeText(item, texts[t]);
            const ItemId id = item.id;
            loaded[t].emplace(id, std::move(item));
          }
          return Status::OK();
        }));
    for (size_t t = 0; t < kThreads; ++t) {
      cache_.merge(loaded[t]);
      texts_.merge(texts[t]);
    }
    return Status::OK();
  }

  // Calls fn(reader, thread, begin, end) for consecutive ranges of [0, count) on kThreads
  // threads, each with a store reader of its own. Half the threads take ranges from the front,
  // ascending, the others from the back, descending, until they meet: a range that takes long
  // (the 24 MB transcript near the end of the bench corpus took a core 125 ms to read) is then
  // met while the other threads still have work, instead of being last and read alone. Within a
  // range ids ascend, so each thread's lookups mostly go forward (DocStore::Reader). The first
  // failure stops the others and is returned.
  Status ForEachChunk(
      size_t count,
      const std::function<Status(DocStore::Reader&, size_t, size_t, size_t)>& fn) const {
    constexpr size_t kChunk = 256;
    std::mutex mu;
    size_t front = 0;                             // the next range from the front
    size_t back = (count + kChunk - 1) / kChunk;  // one past the next range from the back
    std::atomic<bool> failed{false};
    std::vector<Status> failures(kThreads);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::unique_ptr<DocStore::Reader> reader = store_.NewReader();
        while (!failed.load()) {
          size_t chunk = 0;
          {
            std::lock_guard<std::mutex> lock(mu);
            if (front >= back) {
              return;
            }
            chunk = t % 2 == 0 ? front++ : --back;
          }
          const size_t begin = chunk * kChunk;
          failures[t] = fn(*reader, t, begin, std::min(count, begin + kChunk));
          if (!failures[t].ok()) {
            failed.store(true);
            return;
          }
        }
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    for (const Status& failure : failures) {
      DOCKET_RETURN_IF_ERROR(failure);
    }
    return Status::OK();
  }

  // The conversation lines are not needed to plan and can be many: dropped. The text came with
  // the item (DocStore::GetItem); reading a short text again when its document is written was
  // a twentieth of a small-document export (a store read each), so short texts are kept for the
  // exporter (ExportPlan::texts) while kTextBudget lasts; long ones, and any after that, are
  // dropped, so a large plan stays small (long texts cost their bytes either way). Thread-safe.
  void StripForPlan(Item& item) const {
    item.messages.clear();
    item.messages.shrink_to_fit();
    const size_t size = item.text.size();
    bool keep = size <= kKeptTextMax;
    if (keep && text_bytes_.fetch_add(size) + size > kTextBudget) {
      text_bytes_.fetch_sub(size);
      keep = false;
    }
    if (!keep) {
      item.text.clear();
      item.text.shrink_to_fit();
    }
  }

  // Moves a kept text out of the item into `texts` (the plan's, or a reading thread's until
  // they are spliced into the plan's).
  static void TakeText(Item& item, std::unordered_map<ItemId, std::string>& texts) {
    if (!item.text.empty()) {
      texts.emplace(item.id, std::move(item.text));
      item.text = std::string();
    }
  }

  // An item as planning keeps it (StripForPlan), read through `reader`; texts too long to keep
  // are not even decoded. Thread-safe.
  Result<Item> ReadForPlan(DocStore::Reader& reader, ItemId id) const {
    Result<Item> item = reader.GetItem(id, kKeptTextMax);
    if (!item.ok()) {
      return item.error().WithContext("reading item " + std::to_string(id) + " for the export");
    }
    StripForPlan(*item);
    return item;
  }

  // Items are read once; a plan touches each family member a few times.
  Result<const Item*> Load(ItemId id) {
    if (auto it = cache_.find(id); it != cache_.end()) {
      return &it->second;
    }
    if (reader_ == nullptr) {
      reader_ = store_.NewReader();
    }
    DOCKET_ASSIGN_OR_RETURN(Item item, ReadForPlan(*reader_, id));
    TakeText(item, texts_);
    return &cache_.emplace(id, std::move(item)).first->second;
  }

  // The highest ancestor below the containers that hold the family (see the file comment).
  Result<ItemId> FamilyParent(ItemId id) {
    std::vector<const Item*> chain;
    for (ItemId at = id; at != kNoItem;) {
      DOCKET_ASSIGN_OR_RETURN(const Item* item, Load(at));
      chain.push_back(item);
      at = item->parent_id;
      if (chain.size() > 1000) {
        return Status::Corruption("item " + std::to_string(id) + " has a parent cycle");
      }
    }
    while (chain.size() > 1 && chain.back()->kind == ItemKind::kContainer) {
      chain.pop_back();
    }
    return chain.back()->id;
  }

  // The units of `roots` (every one in the cache), in the same order. Their store reads (the
  // children index, content holders, locations: three lookups a family) were the single-
  // threaded half of planning, so two threads share them; the cache is only read meanwhile,
  // and items a thread had to read (children of stores without kinds in the children index)
  // join it afterwards. Each unit depends only on the store, so the plan is the same.
  Result<std::vector<Unit>> BuildUnits(const std::vector<ItemId>& roots) {
    std::vector<Unit> units(roots.size());
    std::vector<std::unordered_map<ItemId, Item>> loaded(kThreads);
    DOCKET_RETURN_IF_ERROR(ForEachChunk(
        roots.size(), [&](DocStore::Reader& reader, size_t t, size_t begin, size_t end) -> Status {
          for (size_t i = begin; i < end; ++i) {
            DOCKET_ASSIGN_OR_RETURN(units[i], BuildUnit(roots[i], reader, loaded[t]));
          }
          return Status::OK();
        }));
    for (size_t t = 0; t < kThreads; ++t) {
      for (auto& [id, item] : loaded[t]) {
        TakeText(item, texts_);
      }
      cache_.merge(loaded[t]);
    }
    return units;
  }

  // A plan over a good share of the store reads every location in one pass instead of seeking
  // once per family: a seek cost about as much as reading twenty keys in order (18 us on the
  // 20k-conversation bench corpus, most of it one block per level and L0 file). Runs beside
  // Preload (the roots are not known yet), so it keeps the places of every content.
  static constexpr uint64_t kKeysPerSeek = 20;
  Status PreloadLocations() {
    std::unordered_map<std::string, std::vector<Location>> places;
    DOCKET_RETURN_IF_ERROR(store_.ForEachLocation([&](const Location& place) {
      places[place.sha256].push_back(place);
      return true;
    }));
    places_ = std::move(places);
    return Status::OK();
  }

  // Likewise the children index, for AddDescendants: every child that is not a line of a
  // conversation (those are never documents, and conversations have thousands).
  Status PreloadChildren() {
    std::unordered_map<ItemId, std::vector<ChildEntry>> children;
    DOCKET_RETURN_IF_ERROR(store_.ForEachChildEntry([&](ItemId parent, const ChildEntry& child) {
      if (child.kind != ItemKind::kImMessage) {
        children[parent].push_back(child);
      }
      return true;
    }));
    children_ = std::move(children);
    return Status::OK();
  }

  // The children of `id` AddDescendants must look at: from PreloadChildren's pass, or a seek.
  Result<std::vector<ChildEntry>> ChildrenOf(ItemId id, DocStore::Reader& reader) const {
    if (!children_.has_value()) {
      return reader.GetChildEntries(id);
    }
    auto it = children_->find(id);
    return it == children_->end() ? std::vector<ChildEntry>{} : it->second;
  }

  // Every place the content was found: from PreloadLocations' pass, or a seek.
  Result<std::vector<Location>> PlacesOf(const std::string& sha256,
                                         DocStore::Reader& reader) const {
    if (!places_.has_value()) {
      return reader.GetLocations(sha256);
    }
    auto it = places_->find(sha256);
    return it == places_->end() ? std::vector<Location>{} : it->second;
  }

  // Runs on BuildUnits' threads: reads cache_ but never writes it (`loaded` is the thread's).
  Result<Unit> BuildUnit(ItemId root, DocStore::Reader& reader,
                         std::unordered_map<ItemId, Item>& loaded) const {
    Unit unit;
    unit.root = root;
    const Item* head = &cache_.at(root);
    unit.sha256 = head->sha256;
    // A container is a document only when it is itself selected (an archive that could not be
    // read): its members are families of their own, never its attachments.
    if (options_.families == ExportFamilies::kInclude && head->kind != ItemKind::kContainer) {
      DOCKET_RETURN_IF_ERROR(AddDescendants(root, unit, reader, loaded));
    } else {
      unit.members.push_back(root);
    }
    unit.copies.push_back({head->custodian, head->ipath});
    // Further places of the same content belong to the item that holds it (FindByContent);
    // another stored item with equal bytes (an attachment of a different message) has copies of
    // its own and must not claim these.
    // Most contents were found once: their only location is the item's own, and then who holds
    // the content does not matter (one lookup a family fewer).
    if (!head->sha256.empty()) {
      DOCKET_ASSIGN_OR_RETURN(std::vector<Location> places, PlacesOf(head->sha256, reader));
      std::erase_if(places, [&](const Location& place) {
        return place.ipath == head->ipath && place.custodian == head->custodian;
      });
      if (!places.empty()) {
        Result<ItemId> holder = store_.FindByContent(head->sha256);
        if (holder.ok() && *holder == root) {
          for (const Location& place : places) {
            unit.copies.push_back({place.custodian, place.ipath});
          }
        }
      }
    }
    return unit;
  }

  // The item from the cache or `loaded`, else read from the store into `loaded`.
  Result<const Item*> ReadForUnit(ItemId id, DocStore::Reader& reader,
                                  std::unordered_map<ItemId, Item>& loaded) const {
    if (auto cached = cache_.find(id); cached != cache_.end()) {
      return &cached->second;
    }
    if (auto read = loaded.find(id); read != loaded.end()) {
      return &read->second;
    }
    DOCKET_ASSIGN_OR_RETURN(Item item, ReadForPlan(reader, id));
    return &loaded.emplace(id, std::move(item)).first->second;
  }

  Status AddDescendants(ItemId id, Unit& unit, DocStore::Reader& reader,
                        std::unordered_map<ItemId, Item>& loaded) const {
    unit.members.push_back(id);
    DOCKET_ASSIGN_OR_RETURN(std::vector<ChildEntry> children, ChildrenOf(id, reader));
    for (const ChildEntry& child : children) {
      // A line of the conversation is held by the conversation's native. Conversations have
      // thousands of lines, so their kind is read from the children index, not the items.
      if (child.kind == ItemKind::kImMessage) {
        continue;
      }
      // Every other child is a document: its item is read here, on this thread, so the
      // numbering after BuildUnits finds it cached (and so is the kind of a child that stores
      // written before the children index held kinds do not record).
      DOCKET_ASSIGN_OR_RETURN(const Item* item, ReadForUnit(child.id, reader, loaded));
      if (item->kind == ItemKind::kImMessage) {
        continue;
      }
      unit.parent_of[child.id] = id;
      DOCKET_RETURN_IF_ERROR(AddDescendants(child.id, unit, reader, loaded));
    }
    return Status::OK();
  }

  // "a.zip!/x.eml!/attachment/1" in a copy found at "b.zip!/y.eml" is "b.zip!/y.eml!/attachment/1".
  std::string RebasePath(const std::string& ipath, const Unit& unit, const Copy& copy) {
    const Item& head = cache_.at(unit.root);
    if (copy.source_path == head.ipath || ipath.compare(0, head.ipath.size(), head.ipath) != 0) {
      return ipath;
    }
    return copy.source_path + ipath.substr(head.ipath.size());
  }

  // Two cores are the target; planning reads the store on both.
  static constexpr size_t kThreads = 2;
  const ExportOptions& options_;
  const DocStore& store_;
  // Texts kept for the exporter, and their bytes (counted on the reading threads).
  static constexpr size_t kTextBudget = 64u << 20;
  static constexpr size_t kKeptTextMax = 64u << 10;
  std::unordered_map<ItemId, std::string> texts_;
  mutable std::atomic<size_t> text_bytes_{0};
  std::unordered_map<ItemId, Item> cache_;
  std::unique_ptr<DocStore::Reader> reader_;  // Load's, on the planning thread
  std::unordered_set<ItemId> responsive_;
  // Set by PreloadLocations: sha256 -> places, for the roots' contents; read-only afterwards.
  std::optional<std::unordered_map<std::string, std::vector<Location>>> places_;
  // Set by PreloadChildren: parent -> its children other than conversation lines.
  std::optional<std::unordered_map<ItemId, std::vector<ChildEntry>>> children_;
};

}  // namespace

std::string ControlNumber(const std::string& prefix, uint64_t number, uint32_t digits) {
  std::string counter = std::to_string(number);
  if (counter.size() < digits) {
    counter.insert(0, digits - counter.size(), '0');
  }
  return prefix + counter;
}

Result<ExportPlan> PlanExport(const ExportOptions& options, const std::vector<ItemId>& matched,
                              const std::vector<ItemId>& unindexed, const DocStore& store) {
  DOCKET_RETURN_IF_ERROR(ValidateExportOptions(options));
  return Planner(options, store).Run(matched, unindexed);
}

}  // namespace docket
