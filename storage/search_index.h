/** @file
 *  @brief SearchIndex: the Xapian database, a derived and replayable view of the DocStore.
 *
 *  The only storage TU that includes <xapian.h> is search_index.cc. Which items get a search
 *  document: conversations, meetings, emails, loose files, and any item that could not be
 *  indexed (so its metadata stays findable); message lines and attachments are folded into their
 *  parent's document (a hit is a family's searchable head, as in Purview).
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "common/result.h"
#include "storage/item.h"

namespace docket {

class TextAnalyzer;

/// Whether `item` gets a document of its own in the search index.
bool IsSearchable(const Item& item);

/// DetectedLanguage of a searchable item's title and text (storage/language_detector.h); ""
/// for items with no search document or no reliable language. The indexer stores it on the
/// item; Prepare() falls back to it for items that have none.
std::string DetectItemLanguage(const Item& item);

/// A search document analysed off the writer thread: tokenising is the costly part of indexing,
/// so ingest workers prepare documents in parallel and the writer only inserts them.
class PreparedDocument {
 public:
  PreparedDocument();
  ~PreparedDocument();
  PreparedDocument(PreparedDocument&&) noexcept;
  PreparedDocument& operator=(PreparedDocument&&) noexcept;
  /// True when the item has no search document of its own (IsSearchable is false).
  bool empty() const { return impl_ == nullptr; }

 private:
  friend class SearchIndex;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class SearchIndex {
 public:
  /// Opens (creating if needed) the Xapian database in `dir` for writing.
  static Result<std::unique_ptr<SearchIndex>> OpenWritable(const std::filesystem::path& dir);
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  /// Builds the document of `item` and replaces any earlier one (unique term Q<id>), so applying
  /// the same item twice is harmless. Items that are not IsSearchable() are ignored.
  /// Builds the document of `item` (its id is not needed yet). Thread-safe given one analyzer
  /// per thread; touches no database.
  static PreparedDocument Prepare(const Item& item, TextAnalyzer& analyzer);
  /// Replaces the document of item `id` with `document`; an empty one deletes it.
  Status Apply(ItemId id, PreparedDocument document);
  Status Apply(const Item& item, TextAnalyzer& analyzer) {
    return Apply(item.id, Prepare(item, analyzer));
  }
  Status Delete(ItemId id);

  /// Makes everything applied so far durable, recording `applied_seq` in the same commit.
  Status Commit(uint64_t applied_seq);

  /// The sequence recorded by the last commit (0 for a new index).
  uint64_t applied_seq() const;
  uint64_t document_count() const;

 private:
  struct Impl;
  explicit SearchIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
