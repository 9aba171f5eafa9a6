/** @file
 *  @brief From files and archives to stored, indexed items; see ingest_pipeline.h.
 *
 *  Each family (a conversation and its lines, an email and its attachments, a container) is one
 *  WriteSet, so a crash never leaves half a family in the store. Containers are written after
 *  their members because only then is it known whether the whole archive could be read.
 */
#include "indexer/ingest_pipeline.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/hashing.h"
#include "common/strings.h"
#include "indexer/archive_reader.h"
#include "indexer/charset_converter.h"
#include "indexer/html_text.h"
#include "indexer/lync_session_parser.h"
#include "indexer/mime_parser.h"
#include "storage/commit_coordinator.h"
#include "storage/search_index.h"

namespace docket {
namespace {

constexpr size_t kSniffBytes = 8192;

std::string LastComponent(std::string_view ipath) {
  const size_t slash = ipath.find_last_of('/');
  return std::string(slash == std::string_view::npos ? ipath : ipath.substr(slash + 1));
}

std::string MediaTypeFor(std::string_view name) {
  const std::string ext = FileExtension(name);
  if (ext == "zip") return "application/zip";
  if (ext == "gz" || ext == "tgz") return "application/gzip";
  if (ext == "tar") return "application/x-tar";
  if (ext == "7z") return "application/x-7z-compressed";
  if (ext == "eml") return "message/rfc822";
  if (ext == "txt" || ext == "log") return "text/plain";
  if (ext == "csv") return "text/csv";
  if (ext == "htm" || ext == "html") return "text/html";
  return "application/octet-stream";
}

bool IsTextType(std::string_view media_type, std::string_view name) {
  if (media_type.substr(0, 5) == "text/") {
    return true;
  }
  static constexpr std::string_view kTextExtensions[] = {"txt", "csv", "log",  "md",  "json",
                                                         "xml", "htm", "html", "ics", "vcf"};
  const std::string ext = FileExtension(name);
  return std::find(std::begin(kTextExtensions), std::end(kTextExtensions), ext) !=
         std::end(kTextExtensions);
}

bool IsHtml(std::string_view media_type, std::string_view name) {
  const std::string ext = FileExtension(name);
  return media_type == "text/html" || ext == "htm" || ext == "html";
}

// An RFC 5322 message: named .eml, or opening with header lines that include a mail header.
bool LooksLikeMime(std::string_view bytes, std::string_view name) {
  const std::string ext = FileExtension(name);
  if (ext == "eml" || ext == "mht" || ext == "mhtml") {
    return true;
  }
  const std::string_view head = bytes.substr(0, kSniffBytes);
  const size_t colon = head.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 76) {
    return false;
  }
  for (size_t i = 0; i < colon; ++i) {
    const char c = head[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  for (std::string_view header : {"\nFrom:", "\nDate:", "\nSubject:", "\nMIME-Version:"}) {
    if (head.find(header) != std::string_view::npos ||
        head.substr(0, header.size() - 1) == header.substr(1)) {
      return true;
    }
  }
  return false;
}

std::string JoinReasons(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::string out;
  for (const auto* list : {&a, &b}) {
    for (const auto& reason : *list) {
      if (!out.empty()) {
        out += "; ";
      }
      out += reason;
    }
  }
  return out;
}

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
      return Status::ResourceExhausted(path.string() + " is larger than " + std::to_string(limit) +
                                       " bytes");
    }
  }
  return Status::OK();
}

Result<std::string> HashFile(const std::filesystem::path& path, std::string* head) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IOError("cannot read " + path.string());
  }
  Sha256Hasher hasher;
  char buffer[1 << 16];
  head->clear();
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const std::string_view block(buffer, static_cast<size_t>(in.gcount()));
    if (head->size() < kSniffBytes) {
      head->append(block.substr(0, kSniffBytes - head->size()));
    }
    hasher.Update(block);
  }
  if (in.bad()) {
    return Status::IOError("error reading " + path.string());
  }
  return hasher.FinishHex();
}

}  // namespace

// Parsing (archives, MIME, HTML) runs on the caller's thread; storing and indexing (RocksDB,
// Xapian, tokenising) on this writer thread, so an ingest uses two cores. Families go through a
// bounded queue in order, so the store sees the same writes as a single-threaded run, and the
// natives in flight are remembered so deduplication stays exact while they wait.
class IngestPipeline::Writer {
 public:
  explicit Writer(CommitCoordinator& coordinator)
      : coordinator_(coordinator), thread_([this] { Run(); }) {}
  // Without Finish() (an error ended the run early) the queued writes still land; the
  // error, if any, was already reported through Push().
  ~Writer() { Close().IgnoreError(); }

  /// Queues `set`; blocks while the queue is full. Returns the writer's first error, if any.
  Status Push(WriteSet set) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [this] { return queue_.size() < kMaxQueued || !error_.ok(); });
    if (!error_.ok()) {
      return error_;
    }
    for (const Item& item : set.items) {
      if (!item.sha256.empty()) {
        pending_.insert(item.sha256);
      }
    }
    queue_.push_back(std::move(set));
    not_empty_.notify_one();
    return Status::OK();
  }

  /// True while a native with this hash is queued but not yet in the store.
  bool Pending(const std::string& sha256) {
    std::lock_guard<std::mutex> lock(mu_);
    return pending_.count(sha256) != 0;
  }

  /// Writes what is queued, stops the thread and returns the first error.
  Status Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
      not_empty_.notify_one();
    }
    if (thread_.joinable()) {
      thread_.join();
    }
    return error_;
  }

 private:
  static constexpr size_t kMaxQueued = 256;

  void Run() {
    for (;;) {
      WriteSet set;
      {
        std::unique_lock<std::mutex> lock(mu_);
        not_empty_.wait(lock, [this] { return !queue_.empty() || closed_; });
        if (queue_.empty()) {
          return;
        }
        set = std::move(queue_.front());
        queue_.pop_front();
        not_full_.notify_one();
      }
      const Status status = error_.ok() ? coordinator_.Write(set).status() : error_;
      std::lock_guard<std::mutex> lock(mu_);
      for (const Item& item : set.items) {
        pending_.erase(item.sha256);
      }
      if (!status.ok() && error_.ok()) {
        error_ = status;
        not_full_.notify_all();
      }
    }
  }

  CommitCoordinator& coordinator_;
  std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<WriteSet> queue_;
  std::unordered_set<std::string> pending_;
  bool closed_ = false;
  Status error_;
  std::thread thread_;  // last: starts after the members it uses
};

IngestPipeline::IngestPipeline(CommitCoordinator& coordinator, IngestOptions options)
    : coordinator_(coordinator),
      options_(std::move(options)),
      writer_(std::make_unique<Writer>(coordinator)) {}

IngestPipeline::~IngestPipeline() = default;

bool IngestPipeline::Known(const std::string& sha256) {
  return writer_->Pending(sha256) || coordinator_.store().FindByContent(sha256).ok();
}

bool IngestPipeline::AlreadyAt(const std::string& sha256, const std::string& ipath) {
  auto locations = coordinator_.store().GetLocations(sha256);
  return locations.ok() &&
         std::any_of(locations->begin(), locations->end(), [&](const Location& location) {
           return location.ipath == ipath && location.custodian == options_.custodian;
         });
}

Status IngestPipeline::RecordDuplicate(const std::string& sha256, const std::string& ipath) {
  ++stats_.duplicates;
  WriteSet set;
  set.locations.push_back({sha256, ipath, options_.custodian});
  return writer_->Push(std::move(set));
}

Item IngestPipeline::NewItem(ItemKind kind, const std::string& ipath, ItemId parent) {
  Item item;
  item.id = coordinator_.store().AllocateId();
  item.kind = kind;
  item.ipath = ipath;
  item.parent_id = parent;
  item.custodian = options_.custodian;
  item.file_name = LastComponent(ipath);
  item.media_type = MediaTypeFor(item.file_name);
  return item;
}

Status IngestPipeline::Store(WriteSet family) {
  for (const Item& item : family.items) {
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
    if (IsSearchable(item)) {
      family.index_ids.push_back(item.id);
    }
  }
  const std::string ipath = family.items.empty() ? "" : family.items.front().ipath;
  DOCKET_RETURN_IF_ERROR(writer_->Push(std::move(family)));
  if (progress_ && !ipath.empty()) {
    progress_(stats_, ipath);
  }
  return Status::OK();
}

Status IngestPipeline::StoreUnindexed(Item item, std::string native, const std::string& reason) {
  item.state = IndexState::kUnindexed;
  item.state_reason = reason;
  WriteSet family;
  if (!native.empty()) {
    item.size = native.size();
    if (item.sha256.empty()) {
      item.sha256 = Sha256Hex(native);
    }
    family.natives.emplace_back(item.sha256, std::move(native));
  }
  family.items.push_back(std::move(item));
  return Store(std::move(family));
}

Status IngestPipeline::IngestPath(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return Status::NotFound("no such file or folder: " + path.string());
  }
  if (!std::filesystem::is_directory(status)) {
    return IngestFile(path, path.filename().string());
  }
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(
           path, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  if (ec) {
    return Status::IOError("cannot walk " + path.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  // Items in a folder are named from the folder's own name down: "mail/2013/x.eml".
  std::filesystem::path absolute = std::filesystem::absolute(path).lexically_normal();
  if (absolute.filename().empty()) {
    absolute = absolute.parent_path();
  }
  const std::string root = absolute.filename().string();
  for (const auto& file : files) {
    const std::string ipath = root + "/" + file.lexically_relative(path).generic_string();
    DOCKET_RETURN_IF_ERROR(IngestFile(file, ipath));
  }
  return Status::OK();
}

Status IngestPipeline::IngestFile(const std::filesystem::path& path, const std::string& ipath) {
  std::string head;
  auto sha = HashFile(path, &head);
  if (!sha.ok()) {
    return sha.error();
  }
  ++stats_.sources;
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  stats_.bytes += ec ? 0 : size;

  if (auto known = coordinator_.store().GetSource(*sha);
      known.ok() && known->complete && AlreadyAt(*sha, ipath)) {
    stats_.duplicates += known->items;  // this very file, from this place, was ingested before
    return Status::OK();
  }
  // The same bytes came earlier in this run or as a member elsewhere. (A completed archive
  // found at a new place or for another custodian is walked again instead, so that every
  // member's new location is recorded.)
  const bool is_archive = LooksLikeArchive(head, path.filename().string());
  if (!is_archive && Known(*sha)) {
    return RecordDuplicate(*sha, ipath);
  }
  const uint64_t items_before = stats_.items + stats_.messages;

  if (is_archive) {
    Item container = NewItem(ItemKind::kContainer, ipath, kNoItem);
    container.size = size;
    container.sha256 = *sha;
    DOCKET_RETURN_IF_ERROR(IngestArchive({}, &path, std::move(container), 0));
  } else {
    std::string bytes;
    const Status read = ReadFile(path, options_.limits.max_entry_bytes, &bytes);
    if (read.code() == StatusCode::kResourceExhausted) {
      Item item = NewItem(ItemKind::kFile, ipath, kNoItem);
      item.size = size;
      item.sha256 = *sha;
      DOCKET_RETURN_IF_ERROR(StoreUnindexed(std::move(item), {}, read.message()));
    } else {
      DOCKET_RETURN_IF_ERROR(read);
      DOCKET_RETURN_IF_ERROR(IngestLeaf(std::move(bytes), *sha, ipath, kNoItem));
    }
  }

  SourceRecord source;
  source.sha256 = *sha;
  source.path = path.string();
  source.custodian = options_.custodian;
  source.items = stats_.items + stats_.messages - items_before;
  source.complete = true;
  WriteSet record;
  record.source = std::move(source);
  return writer_->Push(std::move(record));
}

Status IngestPipeline::IngestArchive(std::string in_memory, const std::filesystem::path* file,
                                     Item container, int depth) {
  // `in_memory` holds a nested archive's bytes; it outlives the reader and is the native kept
  // if the archive turns out damaged. An archive whose bytes are already stored is walked only to
  // record where its members were found again; it is not stored a second time.
  const bool already_stored = Known(container.sha256);
  auto reader = file != nullptr
                    ? ArchiveReader::OpenFile(*file, options_.limits)
                    : ArchiveReader::OpenMemory(in_memory, options_.limits, container.file_name);
  Status failure;
  if (!reader.ok()) {
    failure = reader.error();
  } else {
    for (;;) {
      ArchiveEntry entry;
      auto next = (*reader)->Next(&entry);
      if (!next.ok() && next.error().code() == StatusCode::kUnimplemented) {
        // A member we cannot read (encrypted) is listed on its own; the rest of the archive
        // is still read.
        Item skipped = NewItem(ItemKind::kFile, container.ipath + "!/" + entry.path, container.id);
        DOCKET_RETURN_IF_ERROR(StoreUnindexed(std::move(skipped), {}, next.error().message()));
        continue;
      }
      if (!next.ok()) {
        failure = next.error();
        break;
      }
      if (!*next) {
        break;
      }
      const std::string member_ipath = container.ipath + "!/" + entry.path;
      std::string sha = Sha256Hex(entry.bytes);
      const bool is_archive =
          LooksLikeArchive(std::string_view(entry.bytes).substr(0, kSniffBytes), entry.path);
      if (Known(sha) && !is_archive) {
        DOCKET_RETURN_IF_ERROR(RecordDuplicate(sha, member_ipath));
        continue;
      }
      if (!is_archive) {
        DOCKET_RETURN_IF_ERROR(
            IngestLeaf(std::move(entry.bytes), std::move(sha), member_ipath, container.id));
        continue;
      }
      Item nested = NewItem(ItemKind::kContainer, member_ipath, container.id);
      nested.size = entry.bytes.size();
      nested.sha256 = std::move(sha);
      if (depth + 1 >= options_.limits.max_depth) {
        const std::string reason =
            "archive nested deeper than " + std::to_string(options_.limits.max_depth) + " levels";
        DOCKET_RETURN_IF_ERROR(StoreUnindexed(std::move(nested), std::move(entry.bytes), reason));
        continue;
      }
      DOCKET_RETURN_IF_ERROR(
          IngestArchive(std::move(entry.bytes), nullptr, std::move(nested), depth + 1));
    }
  }
  if (already_stored) {
    return RecordDuplicate(container.sha256, container.ipath);
  }
  if (failure.ok()) {
    WriteSet family;
    family.items.push_back(std::move(container));
    return Store(std::move(family));
  }
  // A damaged archive is itself an unindexed item; the members read before the damage stay.
  // Its native is the same bytes its sha256 was computed from.
  std::string native = std::move(in_memory);
  std::string reason = failure.message();
  if (native.empty() && file != nullptr) {
    const Status read = ReadFile(*file, options_.max_unindexed_native_bytes, &native);
    if (!read.ok()) {
      native.clear();
      reason += " (native not kept: " + read.message() + ")";
    }
  }
  return StoreUnindexed(std::move(container), std::move(native), reason);
}

Status IngestPipeline::IngestLeaf(std::string bytes, std::string sha, const std::string& ipath,
                                  ItemId parent) {
  const std::string name = LastComponent(ipath);
  if (LooksLikeMime(bytes, name)) {
    return IngestMime(std::move(bytes), sha, ipath, parent);
  }
  Item item = NewItem(ItemKind::kFile, ipath, parent);
  item.sha256 = sha;
  item.size = bytes.size();
  if (!IsTextType(item.media_type, name)) {
    return StoreUnindexed(std::move(item), std::move(bytes),
                          "no text extractor for this file type (" + item.media_type + ")");
  }
  auto decoded = ConvertToUtf8(bytes, "");
  if (!decoded.ok()) {
    return StoreUnindexed(std::move(item), std::move(bytes), decoded.error().message());
  }
  item.text = IsHtml(item.media_type, name) ? HtmlToText(decoded->utf8) : decoded->utf8;
  item.title = name;
  if (!decoded->warning.empty()) {
    item.state = IndexState::kPartiallyIndexed;
    item.state_reason = decoded->warning;
  }
  WriteSet family;
  family.natives.emplace_back(sha, std::move(bytes));
  family.items.push_back(std::move(item));
  return Store(std::move(family));
}

Status IngestPipeline::IngestMime(std::string bytes, const std::string& sha,
                                  const std::string& ipath, ItemId parent) {
  const std::string name = LastComponent(ipath);
  auto parsed = ParseMime(bytes);
  if (!parsed.ok()) {
    Item item = NewItem(ItemKind::kFile, ipath, parent);
    item.sha256 = sha;
    return StoreUnindexed(std::move(item), std::move(bytes),
                          "not a readable MIME message: " + parsed.error().message());
  }
  const MimeMessage& mime = *parsed;
  WriteSet family;

  if (IsLyncSession(mime, name)) {
    const auto file_name = ParseLyncFileName(name);
    auto session = ParseLyncSession(mime, name);
    const bool conference =
        session.ok() ? session->conference : (file_name && file_name->conference);
    Item conv = NewItem(conference ? ItemKind::kMeeting : ItemKind::kImConversation, ipath, parent);
    conv.sha256 = sha;
    conv.size = bytes.size();
    conv.media_type = "message/rfc822";
    if (!session.ok()) {
      conv.title = mime.subject;
      conv.from = mime.from;
      conv.to = mime.to;
      conv.sent = mime.date;
      conv.session_id = mime.session_id;
      conv.text = mime.text_body;
      return StoreUnindexed(std::move(conv), std::move(bytes),
                            "IM transcript could not be read: " + session.error().message());
    }
    conv.title = session->subject;
    conv.from = session->from;
    conv.to = session->to;
    conv.participants = session->participants;
    conv.sent = session->start;
    conv.last_activity = session->start;
    conv.session_id = session->session_id;
    conv.message_count = static_cast<uint32_t>(session->messages.size());
    const std::string reason = JoinReasons(mime.warnings, session->warnings);
    if (!reason.empty()) {
      conv.state = IndexState::kPartiallyIndexed;
      conv.state_reason = reason;
    }
    uint32_t seq = 0;
    for (const ConversationMessage& message : session->messages) {
      Item line = NewItem(ItemKind::kImMessage, ipath + "#" + std::to_string(++seq), conv.id);
      line.file_name.clear();
      line.media_type = "text/plain";
      line.from = message.sender;
      line.sent = message.sent;
      line.text = message.text;
      line.title = message.is_event ? "event" : "";
      conv.last_activity = std::max(conv.last_activity, message.sent);
      conv.text += message.sender;
      conv.text += ": ";
      conv.text += message.text;
      conv.text += '\n';
      family.items.push_back(std::move(line));
    }
    family.natives.emplace_back(sha, std::move(bytes));
    family.items.insert(family.items.begin(), std::move(conv));
    return Store(std::move(family));
  }

  Item email = NewItem(ItemKind::kEmail, ipath, parent);
  email.sha256 = sha;
  email.size = bytes.size();
  email.media_type = "message/rfc822";
  email.title = mime.subject;
  email.from = mime.from;
  email.to = mime.to;
  email.participants = mime.to;
  email.participants.insert(email.participants.end(), mime.cc.begin(), mime.cc.end());
  email.sent = mime.date;
  email.last_activity = mime.date;
  email.message_id = mime.message_id;
  email.session_id = mime.session_id;
  email.text = mime.text_body;
  std::vector<std::string> reasons = mime.warnings;
  uint32_t index = 0;
  for (const MimeAttachment& attachment : mime.attachments) {
    ++index;
    Item child =
        NewItem(ItemKind::kAttachment, ipath + "!/attachment/" + std::to_string(index), email.id);
    child.file_name = attachment.file_name;
    child.title = attachment.file_name;
    child.media_type = attachment.media_type;
    child.size = attachment.bytes.size();
    child.sha256 = Sha256Hex(attachment.bytes);
    std::string text;
    if (attachment.media_type == "message/rfc822") {
      if (auto inner = ParseMime(attachment.bytes); inner.ok()) {
        text = inner->subject + "\n" + inner->text_body;
      }
    } else if (IsTextType(attachment.media_type, attachment.file_name)) {
      if (auto decoded = ConvertToUtf8(attachment.bytes, ""); decoded.ok()) {
        text = IsHtml(attachment.media_type, attachment.file_name) ? HtmlToText(decoded->utf8)
                                                                   : decoded->utf8;
      }
    }
    if (text.empty() && !attachment.bytes.empty()) {
      child.state = IndexState::kUnindexed;
      child.state_reason = "no text extractor for " + attachment.media_type + " yet";
      reasons.push_back("attachment '" + attachment.file_name + "' (" + attachment.media_type +
                        ") not indexed");
    } else {
      child.text = text;
      email.text += "\n\n" + attachment.file_name + "\n" + text;
    }
    family.natives.emplace_back(child.sha256, attachment.bytes);
    family.items.push_back(std::move(child));
  }
  email.attachment_count = index;
  if (!reasons.empty()) {
    email.state = IndexState::kPartiallyIndexed;
    email.state_reason = JoinReasons(reasons, {});
  }
  family.natives.emplace_back(sha, std::move(bytes));
  family.items.insert(family.items.begin(), std::move(email));
  return Store(std::move(family));
}

Status IngestPipeline::Finish() {
  DOCKET_RETURN_IF_ERROR(writer_->Close());
  return coordinator_.Flush();
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
