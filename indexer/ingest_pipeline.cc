/** @file
 *  @brief Walker, workers and the ordered writer; see ingest_pipeline.h.
 *
 *  Tasks live in one deque in input order. Workers claim family tasks from anywhere in the
 *  window; the writer only ever takes the front task, and only once it is done, so the store
 *  sees the same writes in the same order whatever the scheduling. The window is bounded in
 *  tasks and in bytes, so memory does not grow with the corpus.
 *
 *  Each family is one WriteSet, so a crash never leaves half a family in the store. Containers
 *  get their id when they open (members name it as parent) and are written when they close,
 *  because only then is it known whether the whole archive could be read.
 */
#include "indexer/ingest_pipeline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/crash_point.h"
#include "common/hashing.h"
#include "common/strings.h"
#include "indexer/archive_reader.h"
#include "indexer/family_builder.h"
#include "indexer/lcslog_importer.h"
#include "indexer/mbox_reader.h"
#include "indexer/pst_reader.h"
#include "storage/commit_coordinator.h"
#include "storage/search_index.h"
#include "storage/text_analyzer.h"

namespace docket {
namespace {

constexpr size_t kSniffBytes = 8192;
// The window between the walker and the writer.
constexpr size_t kMaxTasksInFlight = 256;
constexpr uint64_t kMaxBytesInFlight = 256ull << 20;

using Handle = uint64_t;  // a container opened by the walker; 0 = no container (top level)

Status ReadFile(const std::filesystem::path& path, uint64_t limit, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IOError("cannot read " + path.string());
  }
  out->clear();
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    out->append(buffer, static_cast<size_t>(in.gcount()));
    if (out->size() > limit) {
      out->clear();
      return Status::ResourceExhausted(path.string() + " is larger than " + std::to_string(limit) +
                                       " bytes");
    }
  }
  return Status::OK();
}

// The SHA-256 of a file on disk, and its MD5 and SHA-1 too when `wants_all(head)` says so once
// the first block is read. A file that becomes a container, or is too large to read, is an item
// no worker ever hashes, so its three digests come from this one pass; a file the workers read
// again gets only the SHA-256 here, sparing the single walker thread the other two.
Result<NativeDigests> HashFile(const std::filesystem::path& path, std::string* head,
                               const std::function<bool(std::string_view)>& wants_all) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IOError("cannot read " + path.string());
  }
  Sha256Hasher sha256_only;
  std::unique_ptr<DigestHasher> all;
  bool decided = false;
  char buffer[1 << 16];
  static_assert(sizeof buffer >= kSniffBytes, "the first block must hold the whole head");
  head->clear();
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const std::string_view block(buffer, static_cast<size_t>(in.gcount()));
    if (head->size() < kSniffBytes) {
      head->append(block.substr(0, kSniffBytes - head->size()));
    }
    if (!decided) {
      decided = true;
      if (wants_all(*head)) {
        all = std::make_unique<DigestHasher>();
      }
    }
    if (all) {
      all->Update(block);
    } else {
      sha256_only.Update(block);
    }
  }
  if (in.bad()) {
    return Status::IOError("error reading " + path.string());
  }
  if (!decided && wants_all(*head)) {  // an empty file
    all = std::make_unique<DigestHasher>();
  }
  if (all) {
    return all->Finish();
  }
  NativeDigests digests;
  digests.sha256 = sha256_only.FinishHex();
  return digests;
}

// MD5, SHA-1 and SHA-256 of every native a family will store, here on a worker so that the
// single writer thread, the ingest bottleneck, never hashes (ediscovery.md §6 "Hashing"). The
// bytes are stored under the SHA-256 the builder recorded; should that ever disagree with the
// bytes, the item says so in its reason (and so in the exceptions report) instead of hiding it,
// and export's re-verification fails on it too.
void RecordDigests(Family* family) {
  for (PendingItem& pending : family->items) {
    if (pending.native.empty()) {
      continue;
    }
    NativeDigests digests = ComputeDigests(pending.native);
    if (digests.sha256 != pending.item.sha256) {
      AddProblem(&pending.item, "native bytes have SHA-256 " + digests.sha256 +
                                    ", not the recorded " + pending.item.sha256);
    }
    pending.item.md5 = std::move(digests.md5);
    pending.item.sha1 = std::move(digests.sha1);
  }
}

struct Task {
  enum class Type {
    kFamily,          // `produce` builds the family on a worker
    kDuplicate,       // bytes the walker already found in the store: record the location only
    kOpenContainer,   // `container` gets its id; members name `handle` as parent
    kCloseContainer,  // writes the container of `handle` (unindexed with `failure` if set)
    kBeginSource,     // writes the ingest marker
    kEndSource,       // writes the SourceRecord, clearing the marker
  };
  Type type = Type::kFamily;
  Handle parent = 0;
  // kFamily
  std::function<Family()> produce;
  uint64_t weight = 0;  // bytes held until the writer is done with it
  bool claimed = false;
  bool done = false;
  Family family;
  std::vector<PreparedDocument> prepared;  // one per family item; empty ones are not indexed
  // kDuplicate
  std::string sha256;
  std::string ipath;
  // containers
  Handle handle = 0;
  Item container;
  std::string failure;  // the container could not be read to the end: unindexed
  std::string problem;  // read, with losses (bad rows in a dump table): partially indexed
  std::string native;
  // sources
  std::string path;
  SourceRecord source;
};

}  // namespace

class IngestPipeline::Impl {
 public:
  Impl(CommitCoordinator& coordinator, IngestOptions options)
      : coordinator_(coordinator), options_(std::move(options)) {
    unsigned workers = options_.worker_threads;
    if (workers == 0) {
      workers = std::max(1u, std::thread::hardware_concurrency());
    }
    context_.custodian = options_.custodian;
    context_.limits = options_.limits;
    context_.temp_dir = options_.temp_dir;
    writer_ = std::thread([this] { WriterLoop(); });
    for (unsigned i = 0; i < workers; ++i) {
      workers_.emplace_back([this] { WorkerLoop(); });
    }
  }

  ~Impl() { Close().IgnoreError(); }

  Status IngestPath(const std::filesystem::path& path);
  Status Finish() {
    DOCKET_RETURN_IF_ERROR(ResumeIfInterrupted());
    DOCKET_RETURN_IF_ERROR(Close());
    DOCKET_RETURN_IF_ERROR(coordinator_.Flush());
    // Readers open the store read-only and would replay the log tail the memtables hold.
    return coordinator_.store().FlushMemtables();
  }

  IngestStats stats() const {
    std::lock_guard<std::mutex> lock(stats_mu_);
    IngestStats stats = stats_;
    stats.bytes = bytes_read_.load();
    stats.sources = sources_read_.load();
    return stats;
  }

  void set_progress(std::function<void(const IngestStats&, std::string_view)> progress) {
    progress_ = std::move(progress);
  }

 private:
  // ---- walker (calling thread) ----
  Status ResumeIfInterrupted();
  Status IngestFile(const std::filesystem::path& path, const std::string& ipath);
  // Walks an archive from a file (`file` set) or from memory (`bytes`).
  Status WalkArchive(const std::filesystem::path* file, std::string bytes, Item container,
                     Handle parent, int depth);
  // Mailboxes on disk are streamed message by message rather than read whole.
  Status WalkMailbox(const std::filesystem::path& file, Item container, bool pst);
  Status WalkLcsLogDump(const std::filesystem::path& folder, const std::string& ipath);
  Handle OpenContainer(Item container, Handle parent, Status* status);
  Status CloseContainer(Handle handle, std::string failure, std::string problem,
                        std::string native = {});
  void SubmitFamily(Handle parent, uint64_t weight, std::function<Family()> produce);
  void SubmitBytes(std::string bytes, std::string sha, const std::string& ipath, Handle parent,
                   int depth, std::string problem = {});
  void SubmitUnreadable(const std::string& ipath, const std::string& reason, Handle parent);
  Status Submit(Task task);
  Handle NewHandle() { return ++last_handle_; }

  // ---- workers ----
  void WorkerLoop();

  // ---- writer ----
  void WriterLoop();
  Status WriteTask(Task& task);
  Status WriteFamily(Task& task);
  Status RecordDuplicate(ItemId existing, const std::string& sha256, const std::string& ipath);
  Status Write(WriteSet set, std::vector<std::pair<ItemId, PreparedDocument>> prepared = {});
  ItemId ParentId(Handle handle) const;
  void Count(const Item& item);

  Status Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_) {
        return error_;
      }
      closed_ = true;
    }
    work_.notify_all();
    ready_.notify_all();
    for (auto& worker : workers_) {
      worker.join();
    }
    writer_.join();
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

  CommitCoordinator& coordinator_;
  IngestOptions options_;
  FamilyContext context_;
  bool resumed_ = false;
  Handle last_handle_ = 0;
  std::atomic<uint64_t> bytes_read_{0};
  std::atomic<uint64_t> sources_read_{0};

  // The window, guarded by mu_.
  std::mutex mu_;
  std::condition_variable work_;   // a task to claim, or closing
  std::condition_variable ready_;  // the front task is done, or closing
  std::condition_variable room_;   // the window has room again, or an error
  std::deque<Task> tasks_;
  size_t claimed_prefix_ = 0;  // tasks_[0, claimed_prefix_) need no worker
  uint64_t bytes_in_flight_ = 0;
  bool closed_ = false;
  Status error_;

  // Writer-only state.
  std::unordered_map<Handle, ItemId> container_ids_;
  std::unordered_map<Handle, bool> container_is_duplicate_;
  std::unordered_map<Handle, Item> pending_containers_;  // opened, written when they close
  uint64_t source_items_ = 0;

  mutable std::mutex stats_mu_;
  IngestStats stats_;
  std::function<void(const IngestStats&, std::string_view)> progress_;

  std::vector<std::thread> workers_;
  std::thread writer_;
};

// ------------------------------------------------------------------------------------------
// Walker

Status IngestPipeline::Impl::ResumeIfInterrupted() {
  if (resumed_) {
    return Status::OK();
  }
  resumed_ = true;
  DOCKET_ASSIGN_OR_RETURN(auto marker, coordinator_.store().GetIngestMarker());
  if (!marker) {
    return Status::OK();
  }
  std::fprintf(stderr,
               "resuming: the last ingest stopped inside %s; rolling back its items from id %llu "
               "and reading it again\n",
               marker->path.c_str(), static_cast<unsigned long long>(marker->first_id));
  DOCKET_ASSIGN_OR_RETURN(const uint64_t removed, coordinator_.RollBackFrom(marker->first_id));
  std::lock_guard<std::mutex> lock(stats_mu_);
  stats_.rolled_back += removed;
  return Status::OK();
}

Status IngestPipeline::Impl::Submit(Task task) {
  std::unique_lock<std::mutex> lock(mu_);
  room_.wait(lock, [this] {
    return !error_.ok() ||
           (tasks_.size() < kMaxTasksInFlight && bytes_in_flight_ < kMaxBytesInFlight);
  });
  if (!error_.ok()) {
    return error_;
  }
  bytes_in_flight_ += task.weight;
  const bool needs_worker = task.type == Task::Type::kFamily;
  tasks_.push_back(std::move(task));
  if (!needs_worker) {
    tasks_.back().claimed = tasks_.back().done = true;
  }
  work_.notify_one();
  ready_.notify_one();
  return Status::OK();
}

void IngestPipeline::Impl::SubmitFamily(Handle parent, uint64_t weight,
                                        std::function<Family()> produce) {
  Task task;
  task.type = Task::Type::kFamily;
  task.parent = parent;
  task.weight = weight;
  task.produce = std::move(produce);
  Submit(std::move(task)).IgnoreError();  // an error stops the run; IngestPath reports it
}

void IngestPipeline::Impl::SubmitBytes(std::string bytes, std::string sha, const std::string& ipath,
                                       Handle parent, int depth, std::string problem) {
  // Bytes already in the store (a re-ingest, a duplicate attachment-free message) need no
  // parsing; the writer would decide the same, since the store only grows during a run.
  if (coordinator_.store().FindByContent(sha).ok()) {
    Task task;
    task.type = Task::Type::kDuplicate;
    task.parent = parent;
    task.sha256 = std::move(sha);
    task.ipath = ipath;
    Submit(std::move(task)).IgnoreError();
    return;
  }
  FamilyContext context = context_;
  context.depth = depth;
  const uint64_t weight = bytes.size();
  SubmitFamily(parent, weight,
               [bytes = std::move(bytes), sha = std::move(sha), ipath, context,
                problem = std::move(problem)]() mutable {
                 return BuildFamily(std::move(bytes), std::move(sha), ipath, context, problem);
               });
}

void IngestPipeline::Impl::SubmitUnreadable(const std::string& ipath, const std::string& reason,
                                            Handle parent) {
  FamilyContext context = context_;
  SubmitFamily(parent, 0, [ipath, reason, context] {
    return UnreadableFamily(ipath, reason, {}, {}, 0, context);
  });
}

Status IngestPipeline::Impl::IngestPath(const std::filesystem::path& path) {
  DOCKET_RETURN_IF_ERROR(ResumeIfInterrupted());
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return Status::NotFound("no such file or folder: " + path.string());
  }
  if (!std::filesystem::is_directory(status)) {
    return IngestFile(path, path.filename().string());
  }
  if (LooksLikeLcsLogDump(path)) {
    std::filesystem::path absolute = std::filesystem::absolute(path).lexically_normal();
    if (absolute.filename().empty()) {
      absolute = absolute.parent_path();
    }
    return WalkLcsLogDump(path, absolute.filename().string());
  }
  // Files, and folders of LcsLog dumps (imported as a whole), in name order.
  std::vector<std::pair<std::filesystem::path, bool>> entries;
  std::vector<std::filesystem::path> dump_folders;
  for (auto it = std::filesystem::recursive_directory_iterator(
           path, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && LooksLikeLcsLogDump(it->path())) {
      entries.emplace_back(it->path(), true);
      it.disable_recursion_pending();
    } else if (it->is_regular_file(ec)) {
      entries.emplace_back(it->path(), false);
    }
  }
  if (ec) {
    return Status::IOError("cannot walk " + path.string() + ": " + ec.message());
  }
  std::sort(entries.begin(), entries.end());
  // Items in a folder are named from the folder's own name down: "mail/2013/x.eml".
  std::filesystem::path absolute = std::filesystem::absolute(path).lexically_normal();
  if (absolute.filename().empty()) {
    absolute = absolute.parent_path();
  }
  const std::string root = absolute.filename().string();
  for (const auto& [entry, is_dump] : entries) {
    const std::string ipath = root + "/" + entry.lexically_relative(path).generic_string();
    DOCKET_RETURN_IF_ERROR(is_dump ? WalkLcsLogDump(entry, ipath) : IngestFile(entry, ipath));
  }
  return Status::OK();
}

Status IngestPipeline::Impl::IngestFile(const std::filesystem::path& path,
                                        const std::string& ipath) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  const std::string name = path.filename().string();
  std::string head;
  DOCKET_ASSIGN_OR_RETURN(
      const NativeDigests digests, HashFile(path, &head, [&](std::string_view first) {
        return (!ec && size > options_.limits.max_entry_bytes) || LooksLikeArchive(first, name) ||
               LooksLikePst(first) || LooksLikeMbox(first, name);
      }));
  const std::string& sha = digests.sha256;
  ++sources_read_;
  bytes_read_ += ec ? 0 : size;

  if (auto known = coordinator_.store().GetSource(sha); known.ok() && known->complete) {
    auto locations = coordinator_.store().GetLocations(sha);
    const bool here =
        locations.ok() &&
        std::any_of(locations->begin(), locations->end(), [&](const Location& location) {
          return location.ipath == ipath && location.custodian == options_.custodian;
        });
    if (here) {  // this very file, from this place, for this custodian: nothing new in it
      std::lock_guard<std::mutex> lock(stats_mu_);
      stats_.duplicates += known->items;
      return Status::OK();
    }
  }

  Task begin;
  begin.type = Task::Type::kBeginSource;
  begin.path = path.string();
  begin.sha256 = sha;
  DOCKET_RETURN_IF_ERROR(Submit(std::move(begin)));

  if (LooksLikeArchive(head, path.filename().string())) {
    Item container;
    container.kind = ItemKind::kContainer;
    container.ipath = ipath;
    container.file_name = std::string(BaseName(ipath));
    container.media_type = MediaTypeForName(container.file_name);
    container.size = size;
    container.sha256 = sha;
    container.md5 = digests.md5;
    container.sha1 = digests.sha1;
    DOCKET_RETURN_IF_ERROR(WalkArchive(&path, {}, std::move(container), 0, 0));
  } else if (const bool pst = LooksLikePst(head);
             pst || LooksLikeMbox(head, path.filename().string())) {
    Item container;
    container.kind = ItemKind::kContainer;
    container.ipath = ipath;
    container.file_name = std::string(BaseName(ipath));
    container.media_type = pst ? "application/vnd.ms-outlook" : "application/mbox";
    container.size = size;
    container.sha256 = sha;
    container.md5 = digests.md5;
    container.sha1 = digests.sha1;
    DOCKET_RETURN_IF_ERROR(WalkMailbox(path, std::move(container), pst));
  } else {
    std::string bytes;
    const Status read = ReadFile(path, options_.limits.max_entry_bytes, &bytes);
    if (read.code() == StatusCode::kResourceExhausted) {
      FamilyContext context = context_;
      SubmitFamily(0, 0, [ipath, reason = read.message(), digests, size, context] {
        Family family = UnreadableFamily(ipath, reason, {}, digests.sha256, size, context);
        family.items.front().item.md5 = digests.md5;
        family.items.front().item.sha1 = digests.sha1;
        return family;
      });
    } else {
      DOCKET_RETURN_IF_ERROR(read);
      SubmitBytes(std::move(bytes), sha, ipath, 0, 0);
    }
  }

  Task end;
  end.type = Task::Type::kEndSource;
  end.source.sha256 = sha;
  end.source.path = path.string();
  end.source.custodian = options_.custodian;
  end.source.complete = true;
  return Submit(std::move(end));
}

Status IngestPipeline::Impl::WalkArchive(const std::filesystem::path* file, std::string bytes,
                                         Item container, Handle parent, int depth) {
  const Handle handle = NewHandle();
  const std::string container_ipath = container.ipath;
  {
    Task open;
    open.type = Task::Type::kOpenContainer;
    open.parent = parent;
    open.handle = handle;
    open.container = std::move(container);
    DOCKET_RETURN_IF_ERROR(Submit(std::move(open)));
  }
  // `bytes` holds a nested archive; it outlives the reader and is the native kept if the archive
  // turns out damaged.
  auto reader = file != nullptr ? ArchiveReader::OpenFile(*file, options_.limits)
                                : ArchiveReader::OpenMemory(bytes, options_.limits,
                                                            std::string(BaseName(container_ipath)));
  Status failure;
  if (!reader.ok()) {
    failure = reader.error();
  } else {
    for (;;) {
      ArchiveEntry entry;
      auto next = (*reader)->Next(&entry);
      if (!next.ok()) {
        failure = next.error();
        break;
      }
      if (!*next) {
        break;
      }
      const std::string member_ipath = container_ipath + "!/" + entry.path;
      if (!EntryHasContent(entry)) {
        // A link, a device, an encrypted or oversized member: listed with the reason.
        SubmitUnreadable(member_ipath, entry.problem, handle);
        continue;
      }
      const bool is_archive =
          LooksLikeArchive(std::string_view(entry.bytes).substr(0, kSniffBytes), entry.path);
      // A nested archive walked here is a container no worker sees: all three digests now.
      // Anything else goes to a worker, which hashes its native anyway (RecordDigests).
      NativeDigests digests;
      if (is_archive && depth + 1 < options_.limits.max_depth) {
        digests = ComputeDigests(entry.bytes);
      } else {
        digests.sha256 = Sha256Hex(entry.bytes);
      }
      std::string sha = digests.sha256;
      if (!is_archive) {
        SubmitBytes(std::move(entry.bytes), std::move(sha), member_ipath, handle, depth + 1,
                    std::move(entry.problem));
        continue;
      }
      if (depth + 1 >= options_.limits.max_depth) {
        const std::string reason =
            "archive nested deeper than " + std::to_string(options_.limits.max_depth) + " levels";
        FamilyContext context = context_;
        const uint64_t weight = entry.bytes.size();
        SubmitFamily(
            handle, weight,
            [member_ipath, reason, native = std::move(entry.bytes), sha, context]() mutable {
              return UnreadableFamily(member_ipath, reason, std::move(native), sha, 0, context);
            });
        continue;
      }
      Item nested;
      nested.kind = ItemKind::kContainer;
      nested.ipath = member_ipath;
      nested.file_name = std::string(BaseName(member_ipath));
      nested.media_type = MediaTypeForName(nested.file_name);
      nested.size = entry.bytes.size();
      nested.sha256 = std::move(sha);
      nested.md5 = std::move(digests.md5);
      nested.sha1 = std::move(digests.sha1);
      AddProblem(&nested, entry.problem);
      DOCKET_RETURN_IF_ERROR(
          WalkArchive(nullptr, std::move(entry.bytes), std::move(nested), handle, depth + 1));
    }
  }
  Task close;
  close.type = Task::Type::kCloseContainer;
  close.handle = handle;
  if (!failure.ok()) {
    // A damaged archive is itself an unindexed item; the members read before the damage stay.
    close.failure = failure.message();
    close.native = std::move(bytes);
    if (close.native.empty() && file != nullptr) {
      const Status read = ReadFile(*file, options_.max_unindexed_native_bytes, &close.native);
      if (!read.ok()) {
        close.native.clear();
        close.failure += " (native not kept: " + read.message() + ")";
      }
    }
    close.weight = close.native.size();
  }
  return Submit(std::move(close));
}

Handle IngestPipeline::Impl::OpenContainer(Item container, Handle parent, Status* status) {
  const Handle handle = NewHandle();
  Task open;
  open.type = Task::Type::kOpenContainer;
  open.parent = parent;
  open.handle = handle;
  open.container = std::move(container);
  *status = Submit(std::move(open));
  return handle;
}

Status IngestPipeline::Impl::CloseContainer(Handle handle, std::string failure, std::string problem,
                                            std::string native) {
  Task close;
  close.type = Task::Type::kCloseContainer;
  close.handle = handle;
  close.failure = std::move(failure);
  close.problem = std::move(problem);
  close.native = std::move(native);
  close.weight = close.native.size();
  return Submit(std::move(close));
}

Status IngestPipeline::Impl::WalkMailbox(const std::filesystem::path& file, Item container,
                                         bool pst) {
  const std::string ipath = container.ipath;
  Status opened;
  const Handle handle = OpenContainer(std::move(container), 0, &opened);
  DOCKET_RETURN_IF_ERROR(opened);
  std::string failure;
  std::vector<std::string> problems;
  if (pst) {
    auto reader = PstReader::OpenFile(file);
    if (!reader.ok()) {
      failure = reader.error().message();
    }
    for (; reader.ok();) {
      PstItem item;
      auto next = (*reader)->Next(&item);
      if (!next.ok()) {
        problems.push_back(next.error().message());
        break;
      }
      if (!*next) {
        break;
      }
      const std::string member =
          ipath + "!/" + item.folder_path + "/" + std::to_string(item.identifier) + ".eml";
      if (!item.skipped_reason.empty()) {
        SubmitUnreadable(member, item.skipped_reason, handle);
        continue;
      }
      std::string sha = Sha256Hex(item.eml);
      SubmitBytes(std::move(item.eml), std::move(sha), member, handle, 1,
                  JoinReasons(item.warnings));
    }
  } else {
    auto reader = MboxReader::OpenFile(file, options_.limits.max_entry_bytes);
    if (!reader.ok()) {
      failure = reader.error().message();
    }
    for (; reader.ok();) {
      MboxMessage message;
      auto next = (*reader)->Next(&message);
      if (!next.ok()) {
        problems.push_back(next.error().message());
        break;
      }
      if (!*next) {
        break;
      }
      const std::string member = ipath + "!/" + std::to_string(message.index + 1);
      if (!message.skipped_reason.empty()) {
        SubmitUnreadable(member, message.skipped_reason, handle);
        continue;
      }
      std::string sha = Sha256Hex(message.bytes);
      SubmitBytes(std::move(message.bytes), std::move(sha), member, handle, 1);
    }
  }
  const std::string problem = JoinReasons(problems);
  std::string native;
  if (!failure.empty()) {
    if (!ReadFile(file, options_.max_unindexed_native_bytes, &native).ok()) {
      native.clear();
    }
  }
  return CloseContainer(handle, std::move(failure), std::move(problem), std::move(native));
}

Status IngestPipeline::Impl::WalkLcsLogDump(const std::filesystem::path& folder,
                                            const std::string& ipath) {
  // The dump folder is one source: its identity is the hash of its files' hashes.
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (entry.is_regular_file(ec)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  Sha256Hasher source_hasher;
  std::vector<Item> tables;
  for (const auto& file : files) {
    std::string head;
    // A table is a container whose native is not stored: its digests are taken here or never.
    DOCKET_ASSIGN_OR_RETURN(NativeDigests digests,
                            HashFile(file, &head, [](std::string_view) { return true; }));
    std::string sha = std::move(digests.sha256);
    ++sources_read_;
    const uint64_t size = std::filesystem::file_size(file, ec);
    bytes_read_ += ec ? 0 : size;
    source_hasher.Update(sha);
    Item table;
    table.kind = ItemKind::kContainer;
    table.ipath = ipath + "/" + file.filename().string();
    table.file_name = file.filename().string();
    table.media_type = "text/tab-separated-values";
    table.size = ec ? 0 : size;
    table.sha256 = std::move(sha);
    table.md5 = std::move(digests.md5);
    table.sha1 = std::move(digests.sha1);
    tables.push_back(std::move(table));
  }
  const std::string source_sha = source_hasher.FinishHex();
  // The same dump folder, unchanged, from the same place for the same custodian: nothing new.
  if (auto known = coordinator_.store().GetSource(source_sha);
      known.ok() && known->complete && known->path == folder.string() &&
      known->custodian == options_.custodian) {
    std::lock_guard<std::mutex> lock(stats_mu_);
    stats_.duplicates += known->items;
    return Status::OK();
  }
  Task begin;
  begin.type = Task::Type::kBeginSource;
  begin.path = folder.string();
  begin.sha256 = source_sha;
  DOCKET_RETURN_IF_ERROR(Submit(std::move(begin)));

  std::unordered_map<std::string, Handle> handles;  // file name -> container
  std::vector<Handle> order;
  for (Item& table : tables) {
    const std::string name = table.file_name;
    Status opened;
    handles[name] = OpenContainer(std::move(table), 0, &opened);
    order.push_back(handles[name]);
    DOCKET_RETURN_IF_ERROR(opened);
  }
  std::unordered_map<Handle, std::vector<std::string>> problems;
  auto importer = LcsLogImporter::Open(folder);
  if (!importer.ok()) {
    for (Handle handle : order) {
      problems[handle].push_back("LcsLog dump could not be read: " + importer.error().message());
    }
  } else {
    for (;;) {
      LcsLogSession session;
      auto next = (*importer)->Next(&session);
      if (!next.ok()) {
        problems[order.empty() ? 0 : order.front()].push_back(next.error().message());
        break;
      }
      if (!*next) {
        break;
      }
      const std::string table_name = std::filesystem::path(session.table_path).filename().string();
      const Handle parent = handles.count(table_name) != 0 ? handles[table_name] : 0;
      const std::string session_ipath = ipath + "/" + table_name + "!/" + session.native_name;
      FamilyContext context = context_;
      context.depth = 1;
      const uint64_t weight = session.native.size();
      SubmitFamily(parent, weight,
                   [session = std::move(session), session_ipath, context]() mutable {
                     return FamilyFromLcsLog(std::move(session), session_ipath, context);
                   });
    }
    // Bad rows and decoding problems: the exceptions report, on the table they came from.
    for (const LcsLogTableReport& report : (*importer)->tables()) {
      const std::string name = std::filesystem::path(report.path).filename().string();
      if (handles.count(name) == 0) {
        continue;
      }
      std::vector<std::string>& problem = problems[handles[name]];
      for (const DumpBadRow& bad : report.bad_rows) {
        problem.push_back("line " + std::to_string(bad.line) + ": " + bad.reason);
      }
      if (report.bad_row_count > report.bad_rows.size()) {
        problem.push_back(std::to_string(report.bad_row_count - report.bad_rows.size()) +
                          " more bad rows");
      }
      problem.insert(problem.end(), report.warnings.begin(), report.warnings.end());
    }
  }
  for (Handle handle : order) {
    DOCKET_RETURN_IF_ERROR(CloseContainer(handle, {}, JoinReasons(problems[handle])));
  }
  Task end;
  end.type = Task::Type::kEndSource;
  end.source.sha256 = source_sha;
  end.source.path = folder.string();
  end.source.custodian = options_.custodian;
  end.source.complete = true;
  return Submit(std::move(end));
}

// ------------------------------------------------------------------------------------------
// Workers

void IngestPipeline::Impl::WorkerLoop() {
  TextAnalyzer analyzer;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    Task* task = nullptr;
    work_.wait(lock, [&] {
      while (claimed_prefix_ < tasks_.size() && tasks_[claimed_prefix_].claimed) {
        ++claimed_prefix_;
      }
      for (size_t i = claimed_prefix_; i < tasks_.size(); ++i) {
        if (!tasks_[i].claimed) {
          task = &tasks_[i];
          return true;
        }
      }
      return closed_;
    });
    if (task == nullptr) {
      return;
    }
    task->claimed = true;
    auto produce = std::move(task->produce);
    lock.unlock();
    // Deque elements do not move when the writer pops the front or the walker pushes the back,
    // and the writer never pops a task that is not done, so `task` stays valid.
    Family family = produce();
    RecordDigests(&family);
    std::vector<PreparedDocument> prepared;
    prepared.reserve(family.items.size());
    for (PendingItem& pending : family.items) {
      // Here, on a worker, so that the store keeps the DetectedLanguage the index used.
      pending.item.language = DetectItemLanguage(pending.item);
      prepared.push_back(SearchIndex::Prepare(pending.item, analyzer));
    }
    lock.lock();
    task->family = std::move(family);
    task->prepared = std::move(prepared);
    task->done = true;
    ready_.notify_all();
  }
}

// ------------------------------------------------------------------------------------------
// Writer

void IngestPipeline::Impl::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ready_.wait(lock, [this] {
      return (!tasks_.empty() && tasks_.front().done) || (closed_ && tasks_.empty());
    });
    if (tasks_.empty()) {
      return;
    }
    Task task = std::move(tasks_.front());
    const bool failed = !error_.ok();
    lock.unlock();
    Status status = failed ? Status::OK() : WriteTask(task);
    lock.lock();
    tasks_.pop_front();
    if (claimed_prefix_ > 0) {
      --claimed_prefix_;
    }
    bytes_in_flight_ -= task.weight;
    if (!status.ok() && error_.ok()) {
      error_ = status;
    }
    room_.notify_all();
  }
}

ItemId IngestPipeline::Impl::ParentId(Handle handle) const {
  if (handle == 0) {
    return kNoItem;
  }
  auto it = container_ids_.find(handle);
  return it == container_ids_.end() ? kNoItem : it->second;
}

void IngestPipeline::Impl::Count(const Item& item) {
  std::lock_guard<std::mutex> lock(stats_mu_);
  if (item.kind == ItemKind::kImMessage) {
    ++stats_.messages;
  } else {
    ++stats_.items;
  }
  if (item.state == IndexState::kUnindexed) {
    ++stats_.unindexed;
  } else if (item.state == IndexState::kPartiallyIndexed) {
    ++stats_.partially_indexed;
  }
  ++source_items_;
}

Status IngestPipeline::Impl::Write(WriteSet set,
                                   std::vector<std::pair<ItemId, PreparedDocument>> prepared) {
  return coordinator_.Write(set, std::move(prepared)).status();
}

Status IngestPipeline::Impl::RecordDuplicate(ItemId existing, const std::string& sha256,
                                             const std::string& ipath) {
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    ++stats_.duplicates;
  }
  WriteSet set;
  if (!sha256.empty()) {
    set.locations.push_back({sha256, ipath, options_.custodian});
  }
  // The stored item now also belongs to this run's custodian.
  if (existing != kNoItem && !options_.custodian.empty()) {
    DOCKET_ASSIGN_OR_RETURN(Item item, coordinator_.store().GetItem(existing));
    if (item.AddCustodian(options_.custodian)) {
      if (IsSearchable(item)) {
        set.index_ids.push_back(item.id);
      }
      set.items.push_back(std::move(item));
    }
  }
  return Write(std::move(set));
}

Status IngestPipeline::Impl::WriteTask(Task& task) {
  DocStore& store = coordinator_.store();
  switch (task.type) {
    case Task::Type::kFamily:
      return WriteFamily(task);
    case Task::Type::kDuplicate: {
      auto existing = store.FindByContent(task.sha256);
      return RecordDuplicate(existing.ok() ? *existing : kNoItem, task.sha256, task.ipath);
    }
    case Task::Type::kOpenContainer: {
      // An archive already stored is walked only to record where its members were found again;
      // members that are new after all hang under the stored container.
      if (auto existing = store.FindByContent(task.container.sha256); existing.ok()) {
        container_ids_[task.handle] = *existing;
        container_is_duplicate_[task.handle] = true;
        return RecordDuplicate(*existing, task.container.sha256, task.container.ipath);
      }
      container_ids_[task.handle] = store.AllocateId();
      container_is_duplicate_[task.handle] = false;
      task.container.id = container_ids_[task.handle];
      task.container.parent_id = ParentId(task.parent);
      // Kept until the container closes.
      task.container.custodian = options_.custodian;
      if (!options_.custodian.empty()) {
        task.container.custodians = {options_.custodian};
      }
      pending_containers_.emplace(task.handle, std::move(task.container));
      return Status::OK();
    }
    case Task::Type::kCloseContainer: {
      const bool duplicate = container_is_duplicate_[task.handle];
      container_ids_.erase(task.handle);
      container_is_duplicate_.erase(task.handle);
      if (duplicate) {
        return Status::OK();
      }
      Item container = std::move(pending_containers_[task.handle]);
      pending_containers_.erase(task.handle);
      WriteSet set;
      AddProblem(&container, task.problem);
      if (!task.failure.empty()) {
        container.state = IndexState::kUnindexed;
        container.state_reason = container.state_reason.empty()
                                     ? task.failure
                                     : task.failure + "; " + container.state_reason;
        if (!task.native.empty()) {
          set.natives.emplace_back(container.sha256, std::move(task.native));
        }
      }
      Count(container);
      if (IsSearchable(container)) {
        set.index_ids.push_back(container.id);
      }
      const std::string ipath = container.ipath;
      set.items.push_back(std::move(container));
      DOCKET_RETURN_IF_ERROR(Write(std::move(set)));
      if (progress_) {
        progress_(stats(), ipath);
      }
      return Status::OK();
    }
    case Task::Type::kBeginSource: {
      source_items_ = 0;
      WriteSet set;
      set.begin_source = IngestMarker{task.path, task.sha256, store.next_id()};
      return Write(std::move(set));
    }
    case Task::Type::kEndSource: {
      task.source.items = source_items_;
      task.source.ingested_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
      WriteSet set;
      set.source = std::move(task.source);
      return Write(std::move(set));
    }
  }
  return Status::OK();
}

Status IngestPipeline::Impl::WriteFamily(Task& task) {
  DocStore& store = coordinator_.store();
  Family& family = task.family;
  if (family.items.empty()) {
    return Status::OK();
  }
  const Item& head = family.items.front().item;
  if (!head.sha256.empty()) {
    if (auto existing = store.FindByContent(head.sha256); existing.ok()) {
      return RecordDuplicate(*existing, head.sha256, head.ipath);
    }
  }
  if (!head.conversation_key.empty()) {
    if (auto existing = store.FindByConversationKey(head.conversation_key); existing.ok()) {
      // The session is already stored from another source: this source becomes one more
      // location of it, and its own bytes are kept beside it (they differ: another pool's copy,
      // an LcsLog rendering), so nothing collected is lost.
      {
        std::lock_guard<std::mutex> lock(stats_mu_);
        ++stats_.merged;
      }
      PendingItem& copy = family.items.front();
      WriteSet set;
      set.locations.push_back({copy.item.sha256, copy.item.ipath, options_.custodian});
      set.content_aliases.emplace_back(copy.item.sha256, *existing);
      if (!copy.native.empty()) {
        set.natives.emplace_back(copy.item.sha256, std::move(copy.native));
      }
      DOCKET_RETURN_IF_ERROR(Write(std::move(set)));
      // Listed among the locations of the stored conversation too, so its export names both.
      DOCKET_ASSIGN_OR_RETURN(const Item stored, store.GetItem(*existing));
      return RecordDuplicate(*existing, stored.sha256, copy.item.ipath);
    }
  }
  CrashPoint("ingest.family");
  WriteSet set;
  std::vector<std::pair<ItemId, PreparedDocument>> prepared;
  std::vector<ItemId> ids(family.items.size(), kNoItem);
  const ItemId outer_parent = ParentId(task.parent);
  for (size_t i = 0; i < family.items.size(); ++i) {
    PendingItem& pending = family.items[i];
    ids[i] = store.AllocateId();
    pending.item.id = ids[i];
    pending.item.parent_id = pending.parent == PendingItem::kNoParentInFamily
                                 ? outer_parent
                                 : ids[static_cast<size_t>(pending.parent)];
    Count(pending.item);
    if (!task.prepared[i].empty()) {
      set.index_ids.push_back(ids[i]);
      prepared.emplace_back(ids[i], std::move(task.prepared[i]));
    }
    if (!pending.native.empty() && !pending.item.sha256.empty()) {
      set.natives.emplace_back(pending.item.sha256, std::move(pending.native));
    }
    set.items.push_back(std::move(pending.item));
  }
  const std::string ipath = set.items.front().ipath;
  DOCKET_RETURN_IF_ERROR(Write(std::move(set), std::move(prepared)));
  if (progress_) {
    progress_(stats(), ipath);
  }
  return Status::OK();
}

// ------------------------------------------------------------------------------------------

IngestPipeline::IngestPipeline(CommitCoordinator& coordinator, IngestOptions options)
    : impl_(std::make_unique<Impl>(coordinator, std::move(options))) {}

IngestPipeline::~IngestPipeline() = default;

Status IngestPipeline::IngestPath(const std::filesystem::path& path) {
  return impl_->IngestPath(path);
}

Status IngestPipeline::Finish() { return impl_->Finish(); }

IngestStats IngestPipeline::stats() const { return impl_->stats(); }

void IngestPipeline::set_progress(
    std::function<void(const IngestStats&, std::string_view)> progress) {
  impl_->set_progress(std::move(progress));
}

std::string FormatIngestSummary(const IngestStats& stats, double seconds) {
  char buf[512];
  const double rate = seconds > 0 ? static_cast<double>(stats.items) / seconds : 0.0;
  std::snprintf(buf, sizeof buf,
                "summary items=%llu messages=%llu bytes=%llu unindexed=%llu partially_indexed=%llu "
                "duplicates=%llu seconds=%.2f items_per_s=%.1f",
                static_cast<unsigned long long>(stats.items),
                static_cast<unsigned long long>(stats.messages),
                static_cast<unsigned long long>(stats.bytes),
                static_cast<unsigned long long>(stats.unindexed),
                static_cast<unsigned long long>(stats.partially_indexed),
                static_cast<unsigned long long>(stats.duplicates), seconds, rate);
  return buf;
}

}  // namespace docket
