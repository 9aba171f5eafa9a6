/** @file
 *  @brief RunExport: select (query/searcher) → plan (export_plan) → write every document's
 *  native and text into the zip while building the load files and reports in staging files
 *  beside it → add those → Export Summary.csv with the SHA-256 of every other file → rename.
 *
 *  Defensibility choices (ediscovery.md §6):
 *  - Natives are read from the store and hashed (MD5, SHA-1, SHA-256) as they go into the zip;
 *    each digest is compared with the one recorded at ingest, and a difference is an Error row
 *    naming both values. The document is still produced: withholding it would hide the problem.
 *  - An item without a native, or that could not be indexed, is still a document with a DocID;
 *    the reports say why.
 *  - The package is "<out>.partial" until it is complete, fsynced and renamed, so a cancelled,
 *    failed or killed export never leaves a half package under the final name.
 *  - Reproducible: the plan is deterministic, zip entries carry the item's own date (not the
 *    clock), and only Export Summary.csv and the reports' entry dates record when it ran.
 *
 *  Threads (a 2-core machine is the target): two threads prepare documents ahead of the writer
 *  (DocumentPipeline: store reads, digests, the DAT line, the manifest's Document element, the
 *  CSV rows), a family at a time; the writer takes them in plan order and only appends bytes
 *  to the zip and the staging files. What a document becomes depends only on the plan and the
 *  store, so the package does not depend on the threads.
 */
#include "export/exporter.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/hashing.h"
#include "common/strings.h"
#include "export/csv_writer.h"
#include "export/edrm_manifest.h"
#include "export/export_plan.h"
#include "export/export_record.h"
#include "export/load_file.h"
#include "export/staging.h"
#include "export/zip_writer.h"
#include "query/searcher.h"
#include "storage/commit_coordinator.h"
#include "storage/doc_store.h"

#ifndef DOCKET_VERSION
#define DOCKET_VERSION "unknown"
#endif

namespace docket {
namespace {

namespace fs = std::filesystem;

constexpr size_t kDocumentsPerFolder = 1000;  // NATIVES/0001 ... keeps folders browsable

UtcMillis ClockNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

// The extension of a native's file name in the package: the item's own when it has a sane
// one, else one for its media type, so review tools open it with the right program.
std::string NativeExtension(const Item& item) {
  const std::string& name = item.file_name;
  const size_t dot = name.rfind('.');
  if (dot != std::string::npos && dot + 1 < name.size() && name.size() - dot - 1 <= 10) {
    std::string ext = Lower(name.substr(dot + 1));
    bool sane = true;
    for (char c : ext) {
      sane = sane && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    }
    if (sane) {
      return ext;
    }
  }
  static const std::map<std::string, std::string, std::less<>> kByMediaType = {
      {"message/rfc822", "eml"},
      {"application/zip", "zip"},
      {"application/pdf", "pdf"},
      {"text/html", "html"},
      {"text/plain", "txt"},
      {"application/vnd.ms-outlook", "pst"},
      {"application/mbox", "mbox"},
      {"application/ms-tnef", "dat"},
      {"text/tab-separated-values", "tsv"},
      {"text/csv", "csv"},
      {"application/rtf", "rtf"},
  };
  if (auto it = kByMediaType.find(Lower(item.media_type)); it != kByMediaType.end()) {
    return it->second;
  }
  switch (item.kind) {
    case ItemKind::kImConversation:
    case ItemKind::kMeeting:
    case ItemKind::kEmail:
      return "eml";
    default:
      return "bin";
  }
}

std::string Folder(size_t ordinal) {
  char name[24];
  std::snprintf(name, sizeof(name), "%04zu", ordinal / kDocumentsPerFolder + 1);
  return name;
}

std::string Join(const std::vector<std::string>& values) { return JoinStrings(values, ";"); }

// Moves `object` where it stays reachable, and unfreed, until the process exits
// (ExportControl::process_exits_after). Reachable from a global, so LeakSanitizer does not
// report it.
template <typename T>
void KeepUntilExit(T object) {
  static std::mutex mu;
  static auto* kept = new std::vector<std::shared_ptr<void>>();
  std::lock_guard<std::mutex> lock(mu);
  kept->push_back(std::make_shared<T>(std::move(object)));
}

std::string DateOrEmpty(UtcMillis millis) { return millis == 0 ? "" : FormatIso8601(millis); }

std::string_view PathOrEmpty(const std::optional<PackageFile>& file) {
  return file.has_value() ? std::string_view(file->path) : std::string_view();
}

// A file's row in Export Summary.csv's list of every other file of the package.
std::string SummaryFileRow(const PackageFile& file) {
  return CsvReportRow({file.path, std::to_string(file.size), file.digests.sha256});
}

struct Problem {
  std::string level;  // "Error" or "Warning"
  std::string doc_id;
  ItemId item_id = kNoItem;
  std::string source_path;
  std::string message;
};

// One document as the read-ahead threads hand it to the writer: the bytes of its entries, its
// line of every load file and report already rendered, and what the writer counts. Everything
// per document that is not appending to the zip or the staging files happens on those threads
// (store reads, zstd, digests, XML/DAT/CSV rendering), so the writer's core is left with the
// zip's CRC and the writes.
struct PreparedDocument {
  Status failure;                     // the text could not be read: the export fails here
  std::optional<std::string> native;  // the bytes of record.native, when it is written
  std::string text;                   // the bytes of record.text, when it is written
  std::string native_path;            // the zip entries of native and text (empty: none written)
  std::string text_path;
  UtcMillis entry_date = 0;
  std::vector<Problem> problems;
  bool missing_ingest_digests = false;  // only the SHA-256 recorded at ingest could be checked
  bool unindexed = false;
  bool family_parent = false;
  std::string dat_line;
  std::string manifest_document;
  std::string results_row;
  std::string unindexed_row;  // when unindexed
  std::string summary_rows;   // Export Summary.csv's rows of the native and text files

  size_t bytes() const {
    return (native ? native->size() : 0) + text.size() + dat_line.size() +
           manifest_document.size() + results_row.size() + unindexed_row.size() +
           summary_rows.size();
  }
};

// Prepares the documents on two threads ahead of the writer, which takes them in plan order.
// A thread takes a whole family at a time: a parent's text is cut using its attachments'
// texts, which it reads once and keeps for the attachments' own text files. What is prepared
// depends only on the plan and the store, never on which thread did it or when, so the
// package is the same as a single-threaded export's. Memory is bounded by a byte budget: a
// thread waits while the documents prepared but not yet written exceed it, unless it holds
// the very document the writer needs next (so the two can never wait for each other).
class DocumentPipeline {
 public:
  // What a thread carries from one document of a family to the next.
  struct FamilyState {
    std::unordered_map<ItemId, std::string> read_ahead;  // attachment texts read for a fold
    UtcMillis family_date = 0;
  };
  // Prepares plan.documents[ordinal]; called on the pipeline's threads, in plan order within
  // a family.
  using Prepare = std::function<PreparedDocument(size_t ordinal, FamilyState& family,
                                                 EdrmDocumentRenderer& renderer)>;

  DocumentPipeline(const ExportPlan& plan, Prepare prepare) : prepare_(std::move(prepare)) {
    const std::vector<PlannedDocument>& documents = plan.documents;
    for (size_t i = 0; i < documents.size(); ++i) {
      if (i == 0 || documents[i].begin_attach != documents[i - 1].begin_attach) {
        family_starts_.push_back(i);
      }
    }
    family_starts_.push_back(documents.size());
    claimed_.assign(family_starts_.size() - 1, false);
    for (size_t family = 0; family + 1 < family_starts_.size(); ++family) {
      // Its natives' sizes, and as much again for texts (a long text is read only when written).
      size_t weight = 0;
      for (size_t i = family_starts_[family]; i < family_starts_[family + 1]; ++i) {
        if (auto item = plan.items.find(documents[i].item_id); item != plan.items.end()) {
          weight += 2 * item->second.size;
        }
      }
      if (weight >= kHeavyBytes && weight <= kByteBudget) {
        heavy_.push_back({family, weight});
      }
    }
    for (size_t t = 0; t < kThreads; ++t) {
      threads_.emplace_back([this] { Run(); });
    }
  }

  ~DocumentPipeline() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    space_.notify_all();
    for (std::thread& thread : threads_) {
      thread.join();
    }
  }

  /// The next document, in plan order.
  PreparedDocument Next() {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait(lock, [this] { return prepared_.count(next_) > 0; });
    auto it = prepared_.find(next_);
    PreparedDocument document = std::move(it->second);
    prepared_.erase(it);
    ++next_;
    bytes_ -= document.bytes();
    // Wake-ups only for a thread that waits: notifying on every document cost futex calls and
    // woke the writer for documents it was not waiting for.
    const bool wake = space_waiters_ > 0;
    lock.unlock();
    if (wake) {
      space_.notify_all();
    }
    return document;
  }

 private:
  // Two cores: the writer and these threads share them; two preparing threads keep both busy
  // when the writer waits on the disk.
  static constexpr size_t kThreads = 2;
  // Natives, texts and rendered lines waiting for the writer: a few large natives at most.
  static constexpr size_t kByteBudget = 64u << 20;
  // And a bound in documents, for many tiny ones.
  static constexpr size_t kMaxAhead = 1024;
  // A family whose documents weigh this much is prepared ahead of its turn (see ClaimFamily).
  static constexpr size_t kHeavyBytes = 4u << 20;

  struct HeavyFamily {
    size_t family;
    size_t weight;  // estimated bytes
  };

  // The family a thread prepares next: the next one in plan order, unless a heavy family lies
  // ahead and the budget has room for it. Preparing a 24 MB transcript (store reads, digests,
  // the text) takes a thread a third of a second; in its turn near the end of the bench corpus
  // it held the writer with the other core idle, and taken early it overlaps the small
  // documents. One heavy family at a time is held ahead of the writer; its documents are still
  // written in plan order. `early` is set for such a family. SIZE_MAX: none left.
  size_t ClaimFamily(bool* early) {
    std::lock_guard<std::mutex> lock(mu_);
    while (next_heavy_ < heavy_.size() && claimed_[heavy_[next_heavy_].family]) {
      ++next_heavy_;
    }
    const bool early_pending = early_end_ > next_;
    if (!early_pending && next_heavy_ < heavy_.size()) {
      const HeavyFamily& heavy = heavy_[next_heavy_];
      if (heavy.family > next_family_ && bytes_ + heavy.weight <= kByteBudget) {
        claimed_[heavy.family] = true;
        ++next_heavy_;
        early_end_ = family_starts_[heavy.family + 1];
        *early = true;
        return heavy.family;
      }
    }
    while (next_family_ < claimed_.size() && claimed_[next_family_]) {
      ++next_family_;
    }
    if (next_family_ >= claimed_.size()) {
      return SIZE_MAX;
    }
    claimed_[next_family_] = true;
    *early = false;
    return next_family_++;
  }

  void Run() {
    EdrmDocumentRenderer renderer;
    while (true) {
      bool early = false;
      const size_t family = ClaimFamily(&early);
      if (family == SIZE_MAX) {
        return;
      }
      FamilyState state;
      for (size_t ordinal = family_starts_[family]; ordinal < family_starts_[family + 1];
           ++ordinal) {
        {
          std::unique_lock<std::mutex> lock(mu_);
          auto may_go = [&] {
            return stop_ || ordinal == next_ ||
                   (bytes_ < kByteBudget && (early || ordinal < next_ + kMaxAhead));
          };
          if (!may_go()) {
            ++space_waiters_;
            space_.wait(lock, may_go);
            --space_waiters_;
          }
          if (stop_) {
            return;
          }
        }
        PreparedDocument document = prepare_(ordinal, state, renderer);
        bool writer_needs_it = false;
        {
          std::lock_guard<std::mutex> lock(mu_);
          bytes_ += document.bytes();
          prepared_.emplace(ordinal, std::move(document));
          // The writer waits only for next_; any other document it finds when it gets there.
          writer_needs_it = ordinal == next_;
        }
        if (writer_needs_it) {
          ready_.notify_one();
        }
      }
    }
  }

  Prepare prepare_;
  std::vector<size_t> family_starts_;  // first ordinal of each family, then documents.size()
  std::vector<HeavyFamily> heavy_;     // in plan order
  std::mutex mu_;
  // Under mu_: which families a thread has taken, the first family not taken in plan order,
  // the first heavy family not taken, and the end of the one taken ahead of its turn.
  std::vector<bool> claimed_;
  size_t next_family_ = 0;
  size_t next_heavy_ = 0;
  size_t early_end_ = 0;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::unordered_map<size_t, PreparedDocument> prepared_;
  size_t next_ = 0;           // the ordinal the writer takes next
  size_t bytes_ = 0;          // of prepared_
  size_t space_waiters_ = 0;  // threads waiting on space_
  bool stop_ = false;
  std::vector<std::thread> threads_;  // last: they start once everything they use exists
};

class Exporter {
 public:
  Exporter(const ExportOptions& options, const ExportControl& control)
      : options_(options),
        control_(control),
        partial_(fs::path(options.out).concat(".partial")),
        staging_(fs::path(options.out).concat(".staging")) {}

  ~Exporter() {
    if (!done_) {
      zip_.reset();
      std::error_code ec;
      fs::remove(partial_, ec);
    }
    if (control_.process_exits_after) {
      KeepUntilExit(std::move(plan_));
      KeepUntilExit(std::move(store_));
    }
  }

  Result<ExportResult> Run() {
    result_.started_at = ClockNow();
    DOCKET_RETURN_IF_ERROR(ValidateExportOptions(options_));
    Report("selecting");
    const IndexLayout layout(options_.index_dir);
    DocStoreOptions store_options;
    store_options.create_if_missing = false;
    store_options.read_only = true;
    // The store opens while the query runs: a read-only open of a store whose last ingest did
    // not flush its memtables (builds before DocStore::FlushMemtables) replays the write-ahead
    // log, and the searcher does the same for its own store, each on one core.
    std::optional<Result<std::unique_ptr<DocStore>>> opened;
    std::thread opener([&] { opened.emplace(DocStore::Open(layout.store(), store_options)); });
    Result<std::vector<ItemId>> matches = Matches();
    opener.join();
    DOCKET_ASSIGN_OR_RETURN(std::vector<ItemId> matched, std::move(matches));
    Result<std::unique_ptr<DocStore>> store = std::move(*opened);
    if (!store.ok()) {
      return store.error().WithContext("opening the store of " + options_.index_dir.string());
    }
    store_ = std::move(*store);
    DOCKET_ASSIGN_OR_RETURN(std::vector<ItemId> unindexed, Unindexed());
    DOCKET_ASSIGN_OR_RETURN(plan_, PlanExport(options_, matched, unindexed, *store_));
    const uint64_t last_number = options_.bates_start + plan_.documents.size();
    if (!plan_.documents.empty() &&
        ControlNumber("", last_number - 1, options_.bates_digits).size() > options_.bates_digits) {
      return Status::InvalidArgument(
          "the production needs " + std::to_string(plan_.documents.size()) +
          " control numbers from " + std::to_string(options_.bates_start) + ", more than " +
          std::to_string(options_.bates_digits) + " digits hold; use --bates-digits " +
          std::to_string(options_.bates_digits + 1));
    }
    result_.counts.matched = plan_.matched;
    result_.counts.duplicates = plan_.duplicates.size();
    progress_.documents_total = plan_.documents.size();

    DOCKET_RETURN_IF_ERROR(staging_.Create());
    DOCKET_ASSIGN_OR_RETURN(zip_, ZipWriter::Create(partial_));
    DOCKET_RETURN_IF_ERROR(WriteDocuments());
    DOCKET_RETURN_IF_ERROR(WriteReports());
    DOCKET_RETURN_IF_ERROR(zip_->Close());
    result_.package_bytes = zip_->bytes_written();
    zip_package_sha256_ = zip_->package_sha256();
    zip_.reset();
    DOCKET_RETURN_IF_ERROR(CheckCancelled());
    result_.package_sha256 = zip_package_sha256_;
    DOCKET_RETURN_IF_ERROR(Publish());
    result_.package = options_.out;
    result_.finished_at = ClockNow();
    progress_.bytes_written = result_.package_bytes;
    Report("done");
    done_ = true;
    return result_;
  }

 private:
  Result<std::vector<ItemId>> Matches() {
    if (options_.include == ExportInclude::kUnindexed) {
      return std::vector<ItemId>{};
    }
    Result<std::unique_ptr<Searcher>> searcher = Searcher::Open(options_.index_dir);
    if (!searcher.ok()) {
      return searcher.error().WithContext("opening index " + options_.index_dir.string());
    }
    SearchRequest request;
    request.query_text = options_.query;
    request.now = options_.now;
    request.trim_duplicates = false;
    return (*searcher)->MatchingIds(request);
  }

  Result<std::vector<ItemId>> Unindexed() {
    std::vector<ItemId> ids;
    if (options_.include == ExportInclude::kIndexed) {
      return ids;
    }
    DOCKET_RETURN_IF_ERROR(store_->ForEachItem([&](const Item& item) {
      if (item.state != IndexState::kIndexed && item.kind != ItemKind::kImMessage) {
        ids.push_back(item.id);
      }
      return true;
    }));
    return ids;
  }

  void Report(const char* phase) {
    progress_.phase = phase;
    if (zip_) {
      progress_.bytes_written = zip_->bytes_written();
    }
    if (control_.on_progress) {
      control_.on_progress(progress_);
    }
  }

  Status CheckCancelled() const {
    if (control_.cancel != nullptr && control_.cancel->load()) {
      return Status::Cancelled("the export was cancelled; no package was written");
    }
    return Status::OK();
  }

  Status WriteDocuments() {
    DOCKET_ASSIGN_OR_RETURN(std::ostream * dat_file, staging_.Open("loadfile.dat"));
    DOCKET_ASSIGN_OR_RETURN(std::ostream * xml_file, staging_.Open("manifest.xml"));
    DOCKET_ASSIGN_OR_RETURN(std::ostream * results_file, staging_.Open("Results.csv"));
    DOCKET_ASSIGN_OR_RETURN(std::ostream * unindexed_file, staging_.Open("Unindexed Items.csv"));
    LoadFileWriter dat(*dat_file);
    EdrmManifestHeader header;
    header.description =
        options_.case_name.empty() ? "Docket export" : "Docket export: " + options_.case_name;
    EdrmManifestWriter manifest(*xml_file, header);
    CsvWriter results(*results_file);
    results.WriteRow({"DocID",      "ParentDocID", "BegAttach",     "EndAttach",  "Responsive",
                      "Kind",       "Custodian",   "AllCustodians", "SourcePath", "Subject",
                      "From",       "To",          "Participants",  "Sent",       "Received",
                      "FileName",   "Size",        "MessageClass",  "MessageID",  "SessionID",
                      "IndexState", "NativePath",  "TextPath",      "SHA256"});
    CsvWriter unindexed(*unindexed_file);
    unindexed.WriteRow({"DocID", "ItemId", "State", "Reason", "Custodian", "SourcePath", "FileName",
                        "Size", "SHA256", "NativePath"});

    std::vector<EdrmRelationship> relationships;
    uint64_t missing_ingest_digests = 0;
    DocumentPipeline pipeline(plan_, [this](size_t ordinal, DocumentPipeline::FamilyState& family,
                                            EdrmDocumentRenderer& renderer) {
      return Prepare(ordinal, family, renderer);
    });
    for (size_t ordinal = 0; ordinal < plan_.documents.size(); ++ordinal) {
      DOCKET_RETURN_IF_ERROR(CheckCancelled());
      PreparedDocument document = pipeline.Next();
      DOCKET_RETURN_IF_ERROR(document.failure);
      const PlannedDocument& planned = plan_.documents[ordinal];
      if (!planned.parent_doc_id.empty()) {
        relationships.push_back({planned.parent_doc_id, planned.doc_id});
      }
      ZipEntryOptions entry;
      entry.modified = document.entry_date;
      entry.hash = false;  // hashed where the document was prepared, from these very buffers
      if (!document.native_path.empty()) {
        DOCKET_RETURN_IF_ERROR(
            zip_->AddEntry(document.native_path, *document.native, entry).status());
        ++result_.counts.natives;
        result_.counts.native_bytes += document.native->size();
        missing_ingest_digests += document.missing_ingest_digests ? 1 : 0;
      }
      if (!document.text_path.empty()) {
        // Stored, not deflated: deflating every text was a third of an export's CPU, and the
        // review platform reads it uncompressed anyway.
        DOCKET_RETURN_IF_ERROR(zip_->AddEntry(document.text_path, document.text, entry).status());
        ++result_.counts.text_files;
      }
      for (Problem& problem : document.problems) {
        (problem.level == "Error" ? result_.counts.errors : result_.counts.warnings)++;
        problems_.push_back(std::move(problem));
      }
      if (document.unindexed) {
        ++result_.counts.unindexed;
        *unindexed_file << document.unindexed_row;
      }
      if (document.family_parent) {
        ++result_.counts.families;
      }
      summary_file_rows_ += document.summary_rows;
      *dat_file << document.dat_line;
      manifest.AddRenderedDocument(document.manifest_document);
      *results_file << document.results_row;
      ++result_.counts.documents;
      progress_.documents_done = ordinal + 1;
      if (ordinal % 64 == 63) {
        Report("writing");
      }
    }
    if (missing_ingest_digests > 0) {
      problems_.push_back(
          {"Warning", "", kNoItem, "",
           std::to_string(missing_ingest_digests) +
               " natives were ingested before MD5 and SHA-1 were recorded: only their SHA-256 "
               "could be verified; the MD5 and SHA-1 in the load files were computed at export"});
      ++result_.counts.warnings;
    }
    manifest.Finish(relationships);
    for (const char* name :
         {"loadfile.dat", "manifest.xml", "Results.csv", "Unindexed Items.csv"}) {
      DOCKET_ASSIGN_OR_RETURN(staged_[name], staging_.Close(name));
    }
    return Status::OK();
  }

  // Everything about one document that does not touch the zip or the staging files; runs on
  // the pipeline's threads, so it reads only the plan, the options and the store.
  PreparedDocument Prepare(size_t ordinal, DocumentPipeline::FamilyState& family,
                           EdrmDocumentRenderer& renderer) const {
    PreparedDocument document;
    const PlannedDocument& planned = plan_.documents[ordinal];
    const Item& item = plan_.items.at(planned.item_id);
    ExportRecord record = MakeRecord(planned, item);
    auto problem = [&](std::string message) {
      document.problems.push_back(
          {"Error", record.doc_id, record.item_id, record.source_path, std::move(message)});
    };
    const std::string folder = Folder(ordinal);
    // Attachments have no date of their own: their entries carry the family parent's.
    if (planned.doc_id == planned.begin_attach) {
      family.family_date = item.sent;
    }
    document.entry_date = item.sent != 0 ? item.sent : family.family_date;
    if (item.sha256.empty()) {
      problem("no native was stored for this item at ingest");
    } else {
      Result<std::string> native = store_->GetNative(item.sha256);
      if (!native.ok()) {
        problem("the native is missing from the store: " + native.error().ToString());
      } else {
        PackageFile file;
        file.file_name = planned.doc_id + "." + NativeExtension(item);
        file.path = "NATIVES/" + folder + "/" + file.file_name;
        // The buffer hashed here is the buffer the writer puts into the zip, so these are the
        // digests of the produced bytes.
        file.digests = ComputeDigests(*native);
        file.size = native->size();
        document.missing_ingest_digests = item.md5.empty() || item.sha1.empty();
        for (std::string& message : DigestMismatches(record.ingest_digests, file.digests)) {
          problem(std::move(message));
        }
        document.native = std::move(*native);
        document.native_path = file.path;
        record.native = std::move(file);
      }
    }
    Result<std::string> text = TextOf(ordinal, item, family);
    if (!text.ok()) {
      document.failure = text.status();
      return document;
    }
    if (!text->empty()) {
      PackageFile file;
      file.file_name = planned.doc_id + ".txt";
      file.path = "TEXT/" + folder + "/" + file.file_name;
      // No SHA-1: nothing in the package lists a text file's (a fifth of hashing them).
      file.digests = ComputeMd5AndSha256(*text);
      file.size = text->size();
      document.text = std::move(*text);
      document.text_path = file.path;
      record.text = std::move(file);
    }
    if (item.state != IndexState::kIndexed) {
      document.unindexed = true;
      document.unindexed_row =
          CsvReportRow({record.doc_id, std::to_string(item.id), record.index_state,
                        record.state_reason, record.custodian, record.source_path, item.file_name,
                        std::to_string(item.size), item.sha256, PathOrEmpty(record.native)});
    }
    for (const std::optional<PackageFile>* file : {&record.native, &record.text}) {
      if (file->has_value()) {
        document.summary_rows += SummaryFileRow(**file);
      }
    }
    document.family_parent = record.doc_id == record.begin_attach;
    document.dat_line = LoadFileLine(record);
    document.manifest_document = renderer.Render(record);
    document.results_row = CsvReportRow({record.doc_id,
                                         record.parent_doc_id,
                                         record.begin_attach,
                                         record.end_attach,
                                         record.responsive ? "Yes" : "No",
                                         ItemKindName(item.kind),
                                         record.custodian,
                                         Join(record.all_custodians),
                                         record.source_path,
                                         record.subject,
                                         record.from,
                                         Join(record.to),
                                         Join(record.participants),
                                         DateOrEmpty(record.sent),
                                         DateOrEmpty(record.received),
                                         item.file_name,
                                         std::to_string(item.size),
                                         record.message_class,
                                         record.message_id,
                                         record.session_id,
                                         record.index_state,
                                         PathOrEmpty(record.native),
                                         PathOrEmpty(record.text),
                                         item.sha256});
    return document;
  }

  // The document's text file: its extracted text, without the attachment texts ingest folded
  // into a parent when those attachments are documents of this export.
  Result<std::string> TextOf(size_t ordinal, const Item& item,
                             DocumentPipeline::FamilyState& family) const {
    Result<std::string> text = [&]() -> Result<std::string> {
      if (auto it = family.read_ahead.find(item.id);
          it != family.read_ahead.end() && item.message_count == 0) {
        std::string read = std::move(it->second);
        family.read_ahead.erase(it);
        return read;
      }
      if (auto kept = plan_.texts.find(item.id); kept != plan_.texts.end()) {
        return kept->second;  // what ProductionText would read (kept texts are not empty)
      }
      return ProductionText(item);
    }();
    if (text.ok() && !plan_.documents[ordinal].attachment_ids.empty()) {
      const std::string folded = FoldedAttachmentText(ordinal, family);
      if (!folded.empty() && text->size() >= folded.size() &&
          text->compare(text->size() - folded.size(), folded.size(), folded) == 0) {
        text->resize(text->size() - folded.size());
      }
    }
    return text;
  }

  // What ingest appended to a parent's text from the attachments below it (FoldChildText in
  // indexer/family_builder.cc: "\n\n" + file name + "\n" + text for each attachment, depth
  // first), so that a search for a word in an attachment finds its message. When those
  // attachments are documents of this export, the parent's text file keeps only its own text,
  // as review platforms expect; a stored text that does not end exactly with this is not cut.
  std::string FoldedAttachmentText(size_t parent, DocumentPipeline::FamilyState& family) const {
    const std::vector<PlannedDocument>& documents = plan_.documents;
    std::unordered_set<std::string> subtree = {documents[parent].doc_id};
    std::string folded;
    for (size_t j = parent + 1;
         j < documents.size() && subtree.count(documents[j].parent_doc_id) > 0; ++j) {
      subtree.insert(documents[j].doc_id);
      const Item& part = plan_.items.at(documents[j].item_id);
      if (part.kind != ItemKind::kAttachment) {
        continue;
      }
      auto kept = plan_.texts.find(part.id);
      Result<std::string> text = kept != plan_.texts.end() ? Result<std::string>(kept->second)
                                                           : store_->GetItemText(part.id);
      if (text.ok() && !text->empty()) {
        folded += "\n\n" + part.file_name + "\n" + *text;
        // The attachment comes next as a document of its own: its text is read once.
        family.read_ahead.emplace(part.id, std::move(*text));
      }
    }
    return folded;
  }

  // The extracted text as produced: the item's text, or for a conversation stored only as
  // lines, one line per message.
  Result<std::string> ProductionText(const Item& item) const {
    DOCKET_ASSIGN_OR_RETURN(std::string text, store_->GetItemText(item.id));
    if (!text.empty() || item.message_count == 0) {
      return text;
    }
    DOCKET_ASSIGN_OR_RETURN(const Item full, store_->GetItem(item.id));
    for (const ConversationMessage& message : full.messages) {
      text += DateOrEmpty(message.sent) + " " + message.sender + ": " + message.text + "\n";
    }
    return text;
  }

  static std::vector<std::string> DigestMismatches(const NativeDigests& recorded,
                                                   const NativeDigests& written) {
    std::vector<std::string> messages;
    const std::pair<const char*, std::pair<const std::string*, const std::string*>> checks[] = {
        {"SHA-256", {&recorded.sha256, &written.sha256}},
        {"MD5", {&recorded.md5, &written.md5}},
        {"SHA-1", {&recorded.sha1, &written.sha1}},
    };
    for (const auto& [name, values] : checks) {
      if (!values.first->empty() && *values.first != *values.second) {
        messages.push_back(std::string(name) +
                           " of the native differs from the one recorded at ingest "
                           "(recorded " +
                           *values.first + ", exported bytes " + *values.second +
                           "): the stored copy changed after collection");
      }
    }
    return messages;
  }

  static ExportRecord MakeRecord(const PlannedDocument& planned, const Item& item) {
    ExportRecord record;
    record.doc_id = planned.doc_id;
    record.item_id = item.id;
    record.kind = item.kind;
    const bool message = item.kind == ItemKind::kEmail || item.kind == ItemKind::kImConversation ||
                         item.kind == ItemKind::kMeeting;
    record.doc_type = message ? "Message" : "File";
    record.mime_type = item.media_type;
    record.begin_attach = planned.begin_attach;
    record.end_attach = planned.end_attach;
    record.parent_doc_id = planned.parent_doc_id;
    record.attachment_ids = planned.attachment_ids;
    record.custodian = planned.custodian;
    std::set<std::string> seen;
    auto add_custodian = [&](const std::string& name) {
      if (!name.empty() && seen.insert(name).second) {
        record.all_custodians.push_back(name);
      }
    };
    // In collection order (the order ingest met them), the same for every copy.
    for (const std::string& name : item.custodians) {
      add_custodian(name);
    }
    add_custodian(item.custodian);
    add_custodian(planned.custodian);
    record.source_path = planned.source_path;
    record.from = item.from;
    record.to = item.to;
    record.cc = item.cc;
    record.bcc = item.bcc;
    record.participants = item.participants;
    record.subject = item.title;
    record.sent = item.sent;
    record.received = item.received;
    if (item.kind == ItemKind::kImConversation || item.kind == ItemKind::kMeeting) {
      record.session_end = item.last_activity;
      record.conversation_kind = item.kind == ItemKind::kMeeting ? "conf" : "p2p";
    }
    record.message_class = item.item_class;
    record.importance = item.importance;
    record.message_id = item.message_id;
    record.session_id = item.session_id;
    record.message_count = item.message_count;
    record.attachment_count = item.attachment_count;
    record.attachment_names = item.attachment_names;
    record.author = item.author;
    record.file_name = item.file_name;
    record.file_extension = FileExtension(item.file_name);
    record.file_size = item.size;
    record.language = item.language;
    record.index_state = std::string(IndexStateName(item.state));
    record.state_reason = item.state_reason;
    record.responsive = planned.responsive;
    record.ingest_digests = NativeDigests{item.md5, item.sha1, item.sha256};
    return record;
  }

  Status WriteReports() {
    Report("reports");
    DOCKET_ASSIGN_OR_RETURN(std::ostream * duplicates_file, staging_.Open("Duplicates.csv"));
    CsvWriter duplicates(*duplicates_file);
    duplicates.WriteRow({"DuplicateItemId", "DuplicateCustodian", "DuplicateSourcePath",
                         "KeptDocID", "AllCustodians", "SHA256"});
    for (const WithheldDuplicate& duplicate : plan_.duplicates) {
      Result<Item> item = store_->GetItem(duplicate.item_id);
      std::vector<std::string> custodians;
      std::string sha256;
      if (item.ok()) {
        custodians = item->custodians;
        sha256 = item->sha256;
      }
      duplicates.WriteRow({std::to_string(duplicate.item_id), duplicate.custodian,
                           duplicate.source_path, duplicate.kept_doc_id, Join(custodians), sha256});
    }
    DOCKET_ASSIGN_OR_RETURN(staged_["Duplicates.csv"], staging_.Close("Duplicates.csv"));

    DOCKET_ASSIGN_OR_RETURN(std::ostream * problems_file, staging_.Open("Errors and Warnings.csv"));
    CsvWriter problems(*problems_file);
    problems.WriteRow({"Level", "DocID", "ItemId", "SourcePath", "Message"});
    for (const Problem& problem : problems_) {
      problems.WriteRow({problem.level, problem.doc_id,
                         problem.item_id == kNoItem ? "" : std::to_string(problem.item_id),
                         problem.source_path, problem.message});
    }
    DOCKET_ASSIGN_OR_RETURN(staged_["Errors and Warnings.csv"],
                            staging_.Close("Errors and Warnings.csv"));

    // Stored, not deflated. Deflating them was a seventh of a small-document export, on the
    // writer's core at the end when nothing else runs beside it (libarchive deflates inside
    // archive_write_data, so it cannot overlap the documents); the package grows by about the
    // size of the load files, which review platforms read uncompressed anyway. Only their
    // SHA-256 is listed (Export Summary.csv), and Staging took it as they were written.
    ZipEntryOptions entry;
    entry.modified = result_.started_at;
    entry.hash = false;
    const std::vector<std::string> names = {"manifest.xml",   "loadfile.dat",
                                            "Results.csv",    "Unindexed Items.csv",
                                            "Duplicates.csv", "Errors and Warnings.csv"};
    for (const std::string& name : names) {
      DOCKET_RETURN_IF_ERROR(CheckCancelled());
      // The digest is of the bytes written; the file must still be those bytes (AddFileEntry
      // checks in turn that it keeps its size while it is copied).
      const StagedFileDigest& staged = staged_.at(name);
      std::error_code ec;
      const uint64_t size = fs::file_size(staging_.PathOf(name), ec);
      if (ec || size != staged.size) {
        return Status::IOError("the staged " + name + " is not the file that was written (" +
                               std::to_string(staged.size) + " bytes written, " +
                               (ec ? ec.message() : std::to_string(size) + " found") + ")");
      }
      DOCKET_RETURN_IF_ERROR(zip_->AddFileEntry(name, staging_.PathOf(name), entry).status());
      NativeDigests digests;
      digests.sha256 = staged.sha256;
      report_files_.push_back({name, name, staged.size, std::move(digests)});
    }
    // Dropping the copied files frees their pages; on a thread, while the summary is written.
    std::jthread cleanup([this, names] {
      for (const std::string& name : names) {
        std::error_code ec;
        fs::remove(staging_.PathOf(name), ec);
      }
    });
    DOCKET_ASSIGN_OR_RETURN(std::ostream * summary_file, staging_.Open("Export Summary.csv"));
    WriteSummary(*summary_file);
    DOCKET_RETURN_IF_ERROR(staging_.Close("Export Summary.csv").status());
    return zip_->AddFileEntry("Export Summary.csv", staging_.PathOf("Export Summary.csv"), entry)
        .status();
  }

  void WriteSummary(std::ostream& out) {
    CsvWriter summary(out);
    const ExportCounts& counts = result_.counts;
    const std::string first = plan_.documents.empty() ? "" : plan_.documents.front().doc_id;
    const std::string last = plan_.documents.empty() ? "" : plan_.documents.back().doc_id;
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"Case", options_.case_name},
        {"Query", options_.query},
        {"Include", std::string(ExportIncludeName(options_.include))},
        {"Dedupe", std::string(ExportDedupeName(options_.dedupe))},
        {"Families", std::string(ExportFamiliesName(options_.families))},
        {"Bates prefix", options_.bates_prefix},
        {"Bates start", std::to_string(options_.bates_start)},
        {"Bates digits", std::to_string(options_.bates_digits)},
        {"First DocID", first},
        {"Last DocID", last},
        {"Index", fs::absolute(options_.index_dir).string()},
        {"Tool", std::string("docket ") + DOCKET_VERSION},
        {"Started (UTC)", FormatIso8601(result_.started_at)},
        {"Finished (UTC)", FormatIso8601(ClockNow())},
        {"Time zone of dates", "UTC (ISO-8601 with Z)"},
        {"Items matched by the query", std::to_string(counts.matched)},
        {"Documents", std::to_string(counts.documents)},
        {"Families", std::to_string(counts.families)},
        {"Natives", std::to_string(counts.natives)},
        {"Native bytes", std::to_string(counts.native_bytes)},
        {"Text files", std::to_string(counts.text_files)},
        {"Unindexed documents", std::to_string(counts.unindexed)},
        {"Duplicates withheld", std::to_string(counts.duplicates)},
        {"Errors", std::to_string(counts.errors)},
        {"Warnings", std::to_string(counts.warnings)},
        {"Images", "none: natives only, so no loadfile.opt (Opticon) is included"},
        {"Text encoding", "UTF-8 without BOM (TEXT/); loadfile.dat UTF-8 with BOM"},
    };
    summary.WriteRow({"Setting", "Value"});
    for (const auto& [name, value] : rows) {
      summary.WriteRow({name, value});
    }
    summary.WriteRow({});
    summary.WriteRow({"File", "Size", "SHA256"});
    // Every other file of the package, natives and text first in DocID order, then the reports.
    // Natives and texts were hashed in the very buffers that went into the zip, the reports in
    // their staged files.
    out << summary_file_rows_;
    for (const PackageFile& file : report_files_) {
      out << SummaryFileRow(file);
    }
  }

  Status Publish() {
    // Durable before it is visible: ZipWriter::Close fsynced the file; the rename is made
    // durable by fsyncing the folder.
    std::error_code ec;
    fs::rename(partial_, options_.out, ec);
    if (ec) {
      return Status::IOError("cannot rename " + partial_.string() + " to " + options_.out.string() +
                             ": " + ec.message());
    }
    fs::path folder = fs::absolute(options_.out).parent_path();
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    return Status::OK();
  }

  const ExportOptions& options_;
  const ExportControl& control_;
  fs::path partial_;
  Staging staging_;
  std::unique_ptr<DocStore> store_;
  std::unique_ptr<ZipWriter> zip_;
  ExportPlan plan_;
  ExportProgress progress_;
  ExportResult result_;
  std::vector<Problem> problems_;
  // Export Summary.csv's rows of the natives and texts, in DocID order (rendered by the
  // pipeline, PreparedDocument::summary_rows).
  std::string summary_file_rows_;
  std::map<std::string, StagedFileDigest> staged_;  // the load files and reports, once closed
  std::vector<PackageFile> report_files_;
  std::string zip_package_sha256_;
  bool done_ = false;
};

}  // namespace

Result<ExportResult> RunExport(const ExportOptions& options, const ExportControl& control) {
  return Exporter(options, control).Run();
}

}  // namespace docket
