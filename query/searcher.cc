/** @file
 *  @brief Searcher: KQL -> Xapian Enquire -> items from the DocStore, with summaries.
 *
 *  Xapian::Database objects are not thread-safe, and neither is the TextAnalyzer (ICU
 *  iterators), so each concurrent search gets a Session of its own (database, store, analyzer)
 *  from a small pool, one per core at most: searches run in parallel, never share one. The index is
 *  opened before the store, and Refresh() reopens it before the store too: an ingest writes
 *  RocksDB first, so the store we read is never older than the index, and every hit's item can
 *  be loaded.
 */
#include "query/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>

#include "common/strings.h"
#include "query/highlighter.h"
#include "query/kql_parser.h"
#include "query/kql_to_xapian.h"
#include "query/property_map.h"
#include "query/refiners.h"
#include "query/sort_key.h"
#include "storage/commit_coordinator.h"
#include "storage/directory.h"
#include "storage/doc_store.h"
#include "storage/index_schema.h"
#include "storage/text_analyzer.h"

namespace docket {
namespace {

// SharePoint caps RowLimit at 500 (sharepoint-search.md §1.3).
constexpr uint32_t kMaxRowLimit = 500;

Result<std::unique_ptr<DocStore>> OpenStore(const IndexLayout& layout) {
  return DocStore::Open(layout.store(),
                        DocStoreOptions{.create_if_missing = false, .read_only = true});
}

Result<ItemId> ParseItemId(const std::string& data) {
  if (data.empty() || data.size() > 20) {
    return Status::Corruption("search document has no item id");
  }
  ItemId id = 0;
  for (char c : data) {
    if (c < '0' || c > '9') {
      return Status::Corruption("search document data '" + data + "' is not an item id");
    }
    id = id * 10 + static_cast<ItemId>(c - '0');
  }
  return id;
}

}  // namespace

namespace {

// TotalRows and TotalRowsIncludingDuplicates, exact.
struct MatchCounts {
  uint64_t rows = 0;
  uint64_t including_duplicates = 0;
};

// Everything one search needs to itself.
struct Session {
  IndexLayout layout;
  std::mutex mu;  // held while in use; Refresh() takes it to reopen an idle session
  Xapian::Database db;
  std::unique_ptr<DocStore> store;
  // A read-only RocksDB open is a snapshot: writes that do not move the index (`docket directory
  // import`) are seen by reopening it. Every kStoreMaxAge the store's files are looked at
  // (DocStore::DiskState), and it is reopened only when they changed: a reopen replays the
  // write-ahead logs, tens of milliseconds on a freshly ingested store, which every search
  // that met it paid as latency.
  std::chrono::steady_clock::time_point store_checked = std::chrono::steady_clock::now();
  std::string store_state;  // DiskState when the store was opened; empty: unknown
  static constexpr std::chrono::seconds kStoreMaxAge{2};
  TextAnalyzer analyzer;
  RefinerColumns refiner_columns;  // of `db`'s revision: cleared whenever it is reopened

  explicit Session(std::filesystem::path dir) : layout(std::move(dir)) {}

  // Opens the index, then the store (see the file comment).
  Status Open() {
    const std::filesystem::path xapian_dir = layout.xapian();
    std::error_code ec;
    if (!std::filesystem::is_directory(xapian_dir, ec) ||
        !std::filesystem::is_directory(layout.store(), ec)) {
      return Status::NotFound("no index at " + layout.root().string() +
                              "; run docket ingest first");
    }
    try {
      db = Xapian::Database(xapian_dir.string());
    } catch (const Xapian::DatabaseOpeningError& e) {
      return Status::NotFound("no index at " + layout.root().string() +
                              "; run docket ingest first (" + e.get_msg() + ")");
    } catch (const Xapian::Error& e) {
      return Status::IOError("opening search index " + xapian_dir.string() + ": " +
                             e.get_description());
    }
    return ReopenStore(std::chrono::steady_clock::now());
  }

  // The state is taken before the open, so a write racing the open is seen by the next check.
  Status ReopenStore(std::chrono::steady_clock::time_point now) {
    std::string state = DocStore::DiskState(layout.store());
    DOCKET_ASSIGN_OR_RETURN(store, OpenStore(layout));
    store_state = std::move(state);
    store_checked = now;
    return Status::OK();
  }

  // Reopens the store when its files changed since it was opened (see store_checked).
  Status RefreshStoreIfChanged(std::chrono::steady_clock::time_point now) {
    if (now - store_checked < kStoreMaxAge) {
      return Status::OK();
    }
    store_checked = now;
    const std::string state = DocStore::DiskState(layout.store());
    if (!state.empty() && state == store_state) {
      return Status::OK();
    }
    return ReopenStore(now);
  }

  // Plans the request's query against the newest committed revision and calls
  // `run(ast, query)` with it, the refinement filters applied: Search and MatchingIds share it,
  // so an export selects exactly what the search page showed. Converts Xapian errors to Status
  // and retries once when a concurrent commit replaced the revision being read.
  template <typename T, typename Fn>
  Result<T> WithQuery(const SearchRequest& request, Fn&& run);

  Result<SearchResult> SearchLocked(const SearchRequest& request);
  Result<SearchResult> Run(const SearchRequest& request, const KqlNode& ast,
                           const Xapian::Query& query);
  Result<std::vector<ItemId>> MatchingIdsLocked(const SearchRequest& request);
  Result<std::vector<Xapian::doccount>> SortHere(const Xapian::MSet& mset,
                                                 const std::vector<SortKey>& keys);
  Xapian::MSet EveryMatchMSet(const Xapian::Query& query,
                              std::optional<Xapian::doccount> max_items = std::nullopt);
  std::vector<Xapian::docid> EveryMatch(const Xapian::Query& query);
  MatchCounts CountMatches(const Xapian::Query& query, const Xapian::MSet& mset, bool collapse,
                           bool checked_all,
                           std::optional<std::vector<Xapian::docid>>* every_match);
};

}  // namespace

struct Searcher::Impl {
  std::filesystem::path dir;
  size_t max_sessions = 2;
  std::mutex mu;
  std::condition_variable idle_cv;
  std::vector<std::unique_ptr<Session>> sessions;
  std::vector<Session*> idle;

  // A session for one search: an idle one, a new one while under max_sessions, else wait.
  Result<Session*> Acquire() {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      if (!idle.empty()) {
        Session* session = idle.back();
        idle.pop_back();
        return session;
      }
      if (sessions.size() < max_sessions) {
        auto session = std::make_unique<Session>(dir);
        DOCKET_RETURN_IF_ERROR(session->Open());
        sessions.push_back(std::move(session));
        return sessions.back().get();
      }
      idle_cv.wait(lock);
    }
  }

  void Release(Session* session) {
    {
      std::lock_guard<std::mutex> lock(mu);
      idle.push_back(session);
    }
    idle_cv.notify_one();
  }

  // Holds a session for one search and returns it to the pool however the search ends.
  class Lease {
   public:
    Lease(Impl* pool, Session* session) : pool_(pool), session_(session) { session_->mu.lock(); }
    ~Lease() {
      session_->mu.unlock();
      pool_->Release(session_);
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Session* operator->() const { return session_; }

   private:
    Impl* pool_;
    Session* session_;
  };
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::Open(const std::filesystem::path& index_dir) {
  auto impl = std::make_unique<Impl>();
  impl->dir = index_dir;
  impl->max_sessions = std::max(2u, std::thread::hardware_concurrency());
  // The first session now, so that a missing index is reported by Open().
  auto first = std::make_unique<Session>(index_dir);
  DOCKET_RETURN_IF_ERROR(first->Open());
  impl->idle.push_back(first.get());
  impl->sessions.push_back(std::move(first));
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

Result<SearchResult> Searcher::Search(const SearchRequest& request) {
  DOCKET_ASSIGN_OR_RETURN(Session * session, impl_->Acquire());
  Impl::Lease lease(impl_.get(), session);
  return lease->SearchLocked(request);
}

Result<std::vector<ItemId>> Searcher::MatchingIds(const SearchRequest& request) {
  DOCKET_ASSIGN_OR_RETURN(Session * session, impl_->Acquire());
  Impl::Lease lease(impl_.get(), session);
  return lease->MatchingIdsLocked(request);
}

Result<std::vector<std::string>> Searcher::Suggest(std::string_view prefix, size_t limit) {
  DOCKET_ASSIGN_OR_RETURN(Session * session, impl_->Acquire());
  Impl::Lease lease(impl_.get(), session);
  const std::string folded = lease->analyzer.Normalize(TrimWhitespace(prefix));
  std::vector<std::pair<Xapian::doccount, std::string>> words;
  if (folded.empty() || limit == 0) {
    return std::vector<std::string>();
  }
  constexpr size_t kMaxScanned = 10000;
  try {
    if (lease->db.reopen()) {
      lease->refiner_columns.Clear();
    }
    size_t scanned = 0;
    for (auto it = lease->db.allterms_begin(folded);
         it != lease->db.allterms_end(folded) && scanned < kMaxScanned; ++it, ++scanned) {
      words.emplace_back(it.get_termfreq(), *it);
    }
  } catch (const Xapian::Error& e) {
    return Status::IOError("reading the index's words: " + e.get_description());
  }
  // Most items first; ties alphabetically so the list is stable.
  std::sort(words.begin(), words.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> out;
  for (size_t i = 0; i < words.size() && out.size() < limit; ++i) {
    out.push_back(std::move(words[i].second));
  }
  return out;
}

Status Searcher::Refresh() {
  std::vector<Session*> all;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    for (const auto& session : impl_->sessions) {
      all.push_back(session.get());
    }
  }
  for (Session* session : all) {
    std::lock_guard<std::mutex> lock(session->mu);
    try {
      session->db.reopen();
      session->refiner_columns.Clear();
    } catch (const Xapian::Error& e) {
      return Status::IOError("reopening search index: " + e.get_description());
    }
    DOCKET_RETURN_IF_ERROR(session->ReopenStore(std::chrono::steady_clock::now()));
  }
  return Status::OK();
}

template <typename T, typename Fn>
Result<T> Session::WithQuery(const SearchRequest& request, Fn&& run) {
  const auto started = std::chrono::steady_clock::now();
  // Pick up what a concurrent `docket ingest` has committed: reopen() only compares revisions,
  // and the store is reopened (after the index, see above) when the index moved on, or when
  // its files changed (a directory import writes the store alone).
  try {
    if (db.reopen()) {
      refiner_columns.Clear();
      DOCKET_RETURN_IF_ERROR(ReopenStore(started));
    } else {
      DOCKET_RETURN_IF_ERROR(RefreshStoreIfChanged(started));
    }
  } catch (const Xapian::Error& e) {
    return Status::IOError("reopening search index: " + e.get_description());
  }
  DOCKET_ASSIGN_OR_RETURN(KqlNode ast, ParseKql(request.query_text));
  KqlPlanOptions plan;
  plan.enable_stemming = request.enable_stemming;
  plan.accent_sensitive = request.accent_sensitive;
  // The directory lives in the store, so identities imported at any time resolve (directory.h).
  StoreIdentityResolver identities(*store);
  plan.identities = &identities;
  plan.now = request.now;
  KqlToXapian planner(PropertyMap::Default(), analyzer, plan);
  planner.set_database(&db);
  // A concurrent writer may replace the revision we read (DatabaseModifiedError): reopen
  // and try once more.
  for (int attempt = 0;; ++attempt) {
    try {
      Xapian::Query query;
      DOCKET_RETURN_IF_ERROR(planner.Build(ast, &query));
      // RefinementFilters narrow the match set without touching ranks (OP_FILTER); several
      // entries are ANDed (a drill-down, sharepoint-search.md §1.9.3).
      for (const std::string& text : request.refinement_filters) {
        DOCKET_ASSIGN_OR_RETURN(FqlNode fql, ParseFql(text));
        DOCKET_ASSIGN_OR_RETURN(Xapian::Query filter, FqlToXapian(fql, db, analyzer));
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
      }
      return run(ast, query);
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt > 0) {
        return Status::IOError("the search index changed during the search: " +
                               e.get_description());
      }
      try {
        db.reopen();
        refiner_columns.Clear();
      } catch (const Xapian::Error& reopen_error) {
        return Status::IOError("reopening search index: " + reopen_error.get_description());
      }
    } catch (const Xapian::WildcardError& e) {
      return Status::ResourceExhausted("a wildcard matches too many terms: " + e.get_msg());
    } catch (const Xapian::Error& e) {
      return Status::Internal("search failed: " + e.get_description());
    }
  }
}

Result<SearchResult> Session::SearchLocked(const SearchRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  return WithQuery<SearchResult>(
      request, [&](const KqlNode& ast, const Xapian::Query& query) -> Result<SearchResult> {
        Result<SearchResult> result = Run(request, ast, query);
        if (result.ok()) {
          result->elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - started)
                                   .count();
        }
        return result;
      });
}

// Xapian errors thrown while collecting the matches are converted by WithQuery.
Result<std::vector<ItemId>> Session::MatchingIdsLocked(const SearchRequest& request) {
  return WithQuery<std::vector<ItemId>>(
      request, [&](const KqlNode&, const Xapian::Query& query) -> Result<std::vector<ItemId>> {
        // Every match, exactly: no collapsing, no ranking work, and an MSet as large as the
        // database, so nothing is cut off or estimated. The item id is each document's data
        // (Xapian docids are not item ids: SearchIndex keys documents by their Q term).
        Xapian::MSet mset = EveryMatchMSet(query);
        mset.fetch();  // documents in bulk, not one read per match
        std::vector<ItemId> ids;
        ids.reserve(mset.size());
        for (auto it = mset.begin(); it != mset.end(); ++it) {
          DOCKET_ASSIGN_OR_RETURN(ItemId id, ParseItemId(it.get_document().get_data()));
          ids.push_back(id);
        }
        std::sort(ids.begin(), ids.end());
        return ids;
      });
}

// Throws Xapian::Error; WithQuery converts it. `query` has the refinement filters applied.
Result<SearchResult> Session::Run(const SearchRequest& request, const KqlNode& ast,
                                  const Xapian::Query& query) {
  // Declared before the Enquire that points at it.
  Xapian::MultiValueKeyMaker keys;
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  // The same content (SHA-256) is shown once, as the best-sorted of its copies. Items indexed
  // without the slot have an empty key and are never collapsed.
  if (request.trim_duplicates) {
    enquire.set_collapse_key(schema::kSlotSha256);
  }
  RefinerCounter refiners(request.refiners);
  // Docid order among equal keys keeps paging stable.
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);

  const std::vector<SortSpec> no_sort;
  const std::vector<SortSpec>& sort = request.enable_sorting ? request.sort : no_sort;
  std::vector<SortKey> sort_keys;
  bool sort_here = false;
  for (const SortSpec& spec : sort) {
    DOCKET_ASSIGN_OR_RETURN(SortKey key, ParseSortKey(spec));
    sort_here =
        sort_here || (key.kind != SortKey::Kind::kRank && key.kind != SortKey::Kind::kValue);
    sort_keys.push_back(std::move(key));
  }
  // Rank and value slots sort inside Xapian, which only materialises the requested page.
  // Title, [random:...] and [formula:...] have no slot (a formula may read the weight), so
  // those sorts rank the whole match set and order it here (SortHere): a cost in the number
  // of matches, paid only by requests that ask for them.
  bool by_value = false;
  for (size_t i = 0; i < sort_keys.size() && !sort_here; ++i) {
    const SortKey& key = sort_keys[i];
    if (key.kind == SortKey::Kind::kRank) {
      if (i == 0) {
        break;  // relevance first: later keys cannot apply (no relevance ties in practice)
      }
      continue;
    }
    keys.add_value(key.slot, /*reverse=*/key.descending);
    by_value = true;
  }
  if (!request.enable_sorting) {
    // EnableSorting=false: index order, no ranking work at all.
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  } else if (by_value) {
    enquire.set_sort_by_key_then_relevance(&keys, /*reverse=*/false);
  } else {
    enquire.set_sort_by_relevance();
  }

  const uint32_t limit = std::min(request.row_limit, kMaxRowLimit);
  const Xapian::doccount everything = db.get_doccount();
  Xapian::MSet mset;
  std::vector<Xapian::doccount> rows;  // indices into mset of the page's rows, in order
  if (sort_here) {
    mset = enquire.get_mset(0, everything, everything);
    DOCKET_ASSIGN_OR_RETURN(std::vector<Xapian::doccount> order, SortHere(mset, sort_keys));
    for (size_t i = request.start_row; i < order.size() && rows.size() < limit; ++i) {
      rows.push_back(order[i]);
    }
  } else {
    // No check_at_least: the page is exact whatever it is, and asking Xapian to check every
    // match scores every match, which costs more than the page (2.8 ms against 1.1 ms for a
    // term in 5,000 of 100,000 items). The total is made exact by CountMatches instead.
    mset = enquire.get_mset(request.start_row, limit);
    for (Xapian::doccount i = 0; i < mset.size(); ++i) {
      rows.push_back(i);
    }
  }

  SearchResult result;
  // Every match's docid, collected at most once, for the refiners and the duplicate count.
  std::optional<std::vector<Xapian::docid>> every_match;
  if (!request.refiners.empty()) {
    every_match = EveryMatch(query);
    refiners.Count(db, *every_match, &refiner_columns);
    result.refiners = refiners.Results();
  }
  const MatchCounts counts = CountMatches(query, mset, request.trim_duplicates,
                                          sort_here && !request.trim_duplicates, &every_match);
  result.total_rows = counts.rows;
  result.total_rows_including_duplicates = counts.including_duplicates;
  result.query_modification = ast.ToString();
  HighlightTerms highlight = CollectHighlightTerms(ast, analyzer);
  if (request.enable_stemming) {
    AddStems(IndexLanguages(db), &highlight);
  }
  for (const Xapian::doccount row : rows) {
    const Xapian::MSetIterator it = mset[row];
    DOCKET_ASSIGN_OR_RETURN(ItemId id, ParseItemId(it.get_document().get_data()));
    Result<Item> item = store->GetItem(id);
    if (!item.ok()) {
      return item.error().WithContext("loading hit " + std::to_string(id));
    }
    SearchHit hit;
    hit.rank = it.get_weight();
    const std::string& text = item->text.empty() ? item->title : item->text;
    hit.highlighted_summary = HighlightSummary(text, highlight, analyzer, request.summary_length);
    if (!request.hit_highlighted_properties.empty()) {
      hit.highlighted_properties = HighlightProperties(*item, request.hit_highlighted_properties,
                                                       highlight, analyzer, request.summary_length);
    }
    hit.item = std::move(item).value();
    result.hits.push_back(std::move(hit));
  }
  return result;
}

// Every match's docid, ascending, without ranking work. Not a MatchSpy: reading a value
// through the Document the matcher hands a spy looks it up from the top of the value table for
// each hit, and in a sharded database that Document reports its shard's docid, not the
// database's. Callers walk value streams over these docids instead, once, in docid order.
// Throws Xapian::Error.
// `max_items` 0 builds no MSet and only counts, exactly (every match is checked).
Xapian::MSet Session::EveryMatchMSet(const Xapian::Query& query,
                                     std::optional<Xapian::doccount> max_items) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  const Xapian::doccount everything = db.get_doccount();
  return enquire.get_mset(0, max_items.value_or(everything), everything);
}

std::vector<Xapian::docid> Session::EveryMatch(const Xapian::Query& query) {
  const Xapian::MSet mset = EveryMatchMSet(query);
  std::vector<Xapian::docid> ids;
  ids.reserve(mset.size());
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    ids.push_back(*it);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The exact totals for `mset` (TotalRows must be exact: a compliance officer quotes it, and an
// export of the same query produces that many items).
// - Nothing collapsed: the MSet's own bounds when they meet (a single term, or every match
//   checked), else the every-match list when the refiners already made it, else one pass that
//   only counts (BoolWeight, maxitems 0: no ranks, no MSet).
// - TrimDuplicates: Xapian's collapsed counts stay estimates even when every match is checked
//   (a phrase's positions are checked after the collapse: "alpha beta" over 3,000 items gave
//   400 for 397 distinct and 429 in all), so the distinct contents are counted here, from the
//   SHA-256 slot over every match. An item without the slot is never collapsed, so it counts
//   alone, as the page shows it.
// Throws Xapian::Error.
MatchCounts Session::CountMatches(const Xapian::Query& query, const Xapian::MSet& mset,
                                  bool collapse, bool checked_all,
                                  std::optional<std::vector<Xapian::docid>>* every_match) {
  if (collapse) {
    if (!*every_match) {
      *every_match = EveryMatch(query);
    }
    const std::vector<Xapian::docid>& ids = **every_match;
    return MatchCounts{CountDistinctValues(db, schema::kSlotSha256, ids), ids.size()};
  }
  const auto exact = [](const Xapian::MSet& m) {
    return m.get_matches_lower_bound() == m.get_matches_upper_bound();
  };
  if (checked_all || exact(mset)) {
    return MatchCounts{mset.get_matches_estimated(), mset.get_matches_estimated()};
  }
  if (*every_match) {
    return MatchCounts{(*every_match)->size(), (*every_match)->size()};
  }
  const Xapian::MSet counted = EveryMatchMSet(query, 0);
  if (!exact(counted)) {
    // Not seen with Xapian 1.4; a list of every match is exact by construction.
    *every_match = EveryMatch(query);
    return MatchCounts{(*every_match)->size(), (*every_match)->size()};
  }
  return MatchCounts{counted.get_matches_estimated(), counted.get_matches_estimated()};
}

// Orders every match by `keys` (see Run): one column of numbers or texts per key, then a
// stable sort, so ties keep the relevance order the MSet came in (and docid order within it).
// Throws Xapian::Error; SearchLocked converts it.
Result<std::vector<Xapian::doccount>> Session::SortHere(const Xapian::MSet& mset,
                                                        const std::vector<SortKey>& keys) {
  const Xapian::doccount n = mset.size();
  struct Column {
    std::vector<double> numbers;
    std::vector<std::string> texts;
  };
  std::vector<Column> columns(keys.size());
  // A missing value sorts as the lowest number, as Xapian sorts an empty slot first.
  const auto number = [](const Xapian::Document& doc, uint32_t slot, double missing) {
    const std::string value = doc.get_value(slot);
    return value.empty() ? missing : Xapian::sortable_unserialise(value);
  };
  constexpr double kLowest = std::numeric_limits<double>::lowest();
  for (Xapian::doccount row = 0; row < n; ++row) {
    const Xapian::MSetIterator it = mset[row];
    const Xapian::Document doc = it.get_document();
    std::optional<ItemId> id;
    for (size_t k = 0; k < keys.size(); ++k) {
      const SortKey& key = keys[k];
      Column& column = columns[k];
      switch (key.kind) {
        case SortKey::Kind::kRank:
          column.numbers.push_back(it.get_weight());
          break;
        case SortKey::Kind::kValue:
          column.numbers.push_back(number(doc, key.slot, kLowest));
          break;
        case SortKey::Kind::kRandom: {
          if (!id) {
            DOCKET_ASSIGN_OR_RETURN(id, ParseItemId(doc.get_data()));
          }
          // 53 bits: exactly representable, and plenty to shuffle by.
          column.numbers.push_back(static_cast<double>(RandomSortKey(key.seed, *id) >> 11));
          break;
        }
        case SortKey::Kind::kFormula: {
          // Unknown (0) dates and sizes read as 0, as SharePoint's formulas see a missing value.
          SortFormulaInputs in;
          in.rank = it.get_weight();
          in.size = number(doc, schema::kSlotSize, 0);
          in.write = number(doc, schema::kSlotLastActivity, 0);
          in.sent = number(doc, schema::kSlotSent, 0);
          in.received = number(doc, schema::kSlotReceived, 0);
          column.numbers.push_back(key.formula.Evaluate(in));
          break;
        }
        case SortKey::Kind::kTitle: {
          if (!id) {
            DOCKET_ASSIGN_OR_RETURN(id, ParseItemId(doc.get_data()));
          }
          Result<Item> item = store->GetItem(*id);
          if (!item.ok()) {
            return item.error().WithContext("loading hit " + std::to_string(*id) +
                                            " to sort by Title");
          }
          const std::string& title = item->title.empty() ? item->file_name : item->title;
          // Case- and accent-insensitive first ("alpha" before "Beta"), then as written.
          column.texts.push_back(analyzer.Normalize(title) + '\0' + title);
          break;
        }
      }
    }
  }
  std::vector<Xapian::doccount> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](Xapian::doccount a, Xapian::doccount b) {
    for (size_t k = 0; k < keys.size(); ++k) {
      const Column& column = columns[k];
      const bool descending = keys[k].descending;
      if (!column.texts.empty()) {
        const int c = column.texts[a].compare(column.texts[b]);
        if (c != 0) {
          return descending ? c > 0 : c < 0;
        }
        continue;
      }
      const double x = column.numbers[a];
      const double y = column.numbers[b];
      // Not-a-number and infinite formula results sort last in either direction.
      const bool x_ok = std::isfinite(x);
      const bool y_ok = std::isfinite(y);
      if (x_ok != y_ok) {
        return x_ok;
      }
      if (x_ok && x != y) {
        return descending ? x > y : x < y;
      }
    }
    return false;
  });
  return order;
}

}  // namespace docket
