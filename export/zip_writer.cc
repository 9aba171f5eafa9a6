/** @file
 *  @brief See zip_writer.h.
 *
 *  libarchive writes the zip; this file owns the file descriptor underneath it (so it can
 *  count the bytes that reached the file and fsync before the package is renamed into place)
 *  and hashes every entry's bytes on their way into libarchive.
 *
 *  Layout choices, made for reproducible productions: entries are regular files with mode
 *  0644, uid and gid 0, and the given mtime only (no atime/ctime), names flagged UTF-8. The
 *  zip's DOS time field is local time by definition (libarchive uses localtime()), so two
 *  machines in different time zones produce zips that differ in those two bytes per entry;
 *  the "UT" extra field beside it holds the exact UTC time, which most readers prefer.
 *  libarchive always writes a data descriptor (it learns the CRC only after the data), and
 *  switches to zip64 records when an entry, an offset or the entry count needs them.
 */
#include "export/zip_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/file_io.h"
#include "common/strings.h"

namespace docket {
namespace {

constexpr size_t kBlockSize = 1 << 20;  // AddFileEntry reads this much at a time
// libarchive's output buffer. A last block of 1 byte means "no padding": libarchive's default
// pads the file to a multiple of 10240 bytes, which zip readers tolerate but is not a zip.
constexpr int kArchiveBlockSize = 64 * 1024;

// DOS time (and so the zip) cannot say anything before 1980-01-01; the UT field could, but a
// package whose two time fields disagree confuses reviewers more than a clamped date.
constexpr int64_t kDosEpochSeconds = 315532800;  // 1980-01-01T00:00:00Z
// The UT field is an unsigned 32-bit count of seconds.
constexpr int64_t kMaxUtSeconds = 0xFFFFFFFFLL;

std::string ErrnoText(int error) { return std::strerror(error); }

// The SHA-256 of the whole package, on a thread of its own that reads back what was written
// (from the page cache). Hashed inside the write callback it was a fifth of the writer's work,
// and at the end of an export, while the load files go in, nothing else runs beside the
// writer; this way the two cores share it.
class PackageHasher {
 public:
  explicit PackageHasher(int fd) : fd_(fd), thread_([this] { Run(); }) {}
  ~PackageHasher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    more_.notify_one();
    thread_.join();
  }
  PackageHasher(const PackageHasher&) = delete;
  PackageHasher& operator=(const PackageHasher&) = delete;

  // Everything before `total` is in the file.
  void Written(uint64_t total) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      written_ = total;
    }
    // A wake-up per megabyte: waking the thread for every 64 KiB block cost a syscall each.
    if (total - signalled_ >= kWakeEvery) {
      signalled_ = total;
      more_.notify_one();
    }
  }

  // Waits until every written byte is hashed; the digest, or why the file could not be read.
  Result<std::string> Finish() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      finishing_ = true;
    }
    more_.notify_one();
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return done_; });
    if (!failure_.ok()) {
      return failure_;
    }
    return hasher_.FinishHex();
  }

 private:
  static constexpr uint64_t kWakeEvery = 1 << 20;

  void Run() {
    std::vector<char> buffer(1 << 20);
    uint64_t hashed = 0;
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      more_.wait(lock, [&] { return stop_ || finishing_ || hashed < written_; });
      if (stop_) {
        return;
      }
      const uint64_t end = written_;
      if (hashed == end && finishing_) {
        break;
      }
      lock.unlock();
      while (hashed < end && failure_.ok()) {
        const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), end - hashed));
        const ssize_t n = ::pread(fd_, buffer.data(), want, static_cast<off_t>(hashed));
        if (n < 0 && errno == EINTR) {
          continue;
        }
        if (n <= 0) {
          failure_ = Status::IOError(std::string("reading the package back to hash it: ") +
                                     (n < 0 ? std::strerror(errno) : "it is shorter than written"));
          break;
        }
        hasher_.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
        hashed += static_cast<uint64_t>(n);
      }
      lock.lock();
      if (!failure_.ok()) {
        break;
      }
    }
    done_ = true;
    done_cv_.notify_all();
  }

  const int fd_;
  Sha256Hasher hasher_;  // the thread's alone until done_
  Status failure_;       // likewise
  std::mutex mu_;
  std::condition_variable more_;
  std::condition_variable done_cv_;
  uint64_t written_ = 0;
  uint64_t signalled_ = 0;  // the writer's own
  bool finishing_ = false;
  bool stop_ = false;
  bool done_ = false;
  std::thread thread_;  // last: starts once the rest exists
};

// What libarchive's write callback writes into. Separate from ZipWriter::Impl (private) so the
// C callback can name it.
struct FileSink {
  int fd = -1;
  std::string path;
  uint64_t bytes_written = 0;
  std::unique_ptr<PackageHasher> package_hash;  // every byte that reached the file, in order
  std::string package_sha256;                   // set by Close()
  // Set by the destructor of a writer that was never closed: libarchive's free() would
  // otherwise write a central directory and make a half export look complete.
  bool abandoned = false;
  uint64_t write_back_started = 0;  // bytes handed to the disk with sync_file_range
};

// Starts writing the package to disk every few megabytes (sync_file_range does not wait), as
// RocksDB's bytes_per_sync does: otherwise the kernel holds most of a package in dirty pages
// until Close() fsyncs, and the export then waits for all of it at once (a sixth of a small-
// document export) instead of writing while it works.
constexpr uint64_t kWriteBackEvery = 8u << 20;

void StartWriteBack(FileSink& sink) {
  if (sink.bytes_written - sink.write_back_started < kWriteBackEvery) {
    return;
  }
  ::sync_file_range(sink.fd, static_cast<off_t>(sink.write_back_started),
                    static_cast<off_t>(sink.bytes_written - sink.write_back_started),
                    SYNC_FILE_RANGE_WRITE);  // a hint: a failure only loses the head start
  sink.write_back_started = sink.bytes_written;
}

la_ssize_t WriteToFile(struct archive* a, void* client, const void* buffer, size_t length) {
  auto* sink = static_cast<FileSink*>(client);
  if (sink->abandoned) {
    archive_set_error(a, ECANCELED, "zip writer abandoned before Close()");
    return -1;
  }
  if (const int error =
          WriteAll(sink->fd, std::string_view(static_cast<const char*>(buffer), length));
      error != 0) {
    archive_set_error(a, error, "writing %s: %s", sink->path.c_str(), std::strerror(error));
    return -1;
  }
  sink->bytes_written += length;
  sink->package_hash->Written(sink->bytes_written);
  StartWriteBack(*sink);
  return static_cast<la_ssize_t>(length);
}

// Entry names end up as paths on the reviewer's disk when the package is extracted, so
// anything an extractor could resolve outside the target folder, or that Windows cannot
// represent, is refused here rather than trusted to every unzip tool.
Status ValidateEntryName(std::string_view name) {
  // Built only for a refusal: a name that passes (every one, normally) costs no allocation.
  const auto quoted = [name] { return "zip entry name \"" + std::string(name) + "\""; };
  if (name.empty()) {
    return Status::InvalidArgument("zip entry name is empty");
  }
  if (name.size() > 0xFFFF) {
    return Status::InvalidArgument(quoted().substr(0, 80) + "...\" is longer than 65535 bytes");
  }
  if (name.front() == '/') {
    return Status::InvalidArgument(quoted() + " must be relative (it starts with '/')");
  }
  if (name.find('\\') != std::string_view::npos) {
    return Status::InvalidArgument(quoted() + " contains a backslash; use '/' between folders");
  }
  if (std::any_of(name.begin(), name.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7F;
      })) {
    return Status::InvalidArgument(quoted() + " contains a control character");
  }
  // Windows refuses these in file names, and most reviewers extract productions on Windows.
  if (name.find_first_of("<>:\"|?*") != std::string_view::npos) {
    return Status::InvalidArgument(quoted() + " contains one of < > : \" | ? *, which Windows " +
                                   "cannot use in a file name");
  }
  if (!IsValidUtf8(name)) {
    return Status::InvalidArgument(quoted() + " is not valid UTF-8");
  }
  size_t start = 0;
  while (true) {
    const size_t slash = name.find('/', start);
    const std::string_view part = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty()) {
      return Status::InvalidArgument(quoted() + " has an empty folder or file name");
    }
    if (part == "." || part == "..") {
      return Status::InvalidArgument(quoted() + " contains a \".\" or \"..\" component");
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return Status::OK();
}

int64_t EntrySeconds(UtcMillis modified) {
  // Floor division, so 1999-12-31T23:59:59.500Z stays in 1999.
  int64_t seconds = modified / 1000;
  if (modified % 1000 < 0) {
    --seconds;
  }
  return std::clamp<int64_t>(seconds, kDosEpochSeconds, kMaxUtSeconds);
}

// The digests ZipEntryOptions asks for, fed an entry's bytes as they go into libarchive.
class EntryHasher {
 public:
  explicit EntryHasher(const ZipEntryOptions& options) {
    if (options.hash) {
      all_.emplace();
    }
  }
  void Update(std::string_view bytes) {
    if (all_) {
      all_->Update(bytes);
    }
  }
  NativeDigests Finish() { return all_ ? all_->Finish() : NativeDigests{}; }

 private:
  std::optional<DigestHasher> all_;
};

}  // namespace

struct ZipWriter::Impl {
  FileSink sink;
  struct archive* archive = nullptr;
  bool closed = false;
  // The first failure that left the zip unusable; every later call returns it.
  Status broken;
  // Names already written: a duplicate would make an extractor silently drop one document.
  std::unordered_set<std::string> names;

  ~Impl() {
    if (archive != nullptr) {
      sink.abandoned = true;
      archive_write_free(archive);
    }
    sink.package_hash.reset();  // it reads the file: stopped before the file is closed
    if (sink.fd >= 0) {
      ::close(sink.fd);
    }
  }

  Status ArchiveError(std::string_view context) {
    const char* message = archive_error_string(archive);
    broken = Status::IOError(std::string(context) + ": " +
                             (message != nullptr ? message : "libarchive failed"));
    return broken;
  }

  Status Usable() const {
    if (closed) {
      return Status::Internal("zip " + sink.path + " is already closed");
    }
    return broken;
  }

  // Validates the name and writes the entry's header; the caller then streams the data.
  Status BeginEntry(std::string_view name, uint64_t size, const ZipEntryOptions& options) {
    DOCKET_RETURN_IF_ERROR(Usable());
    DOCKET_RETURN_IF_ERROR(ValidateEntryName(name));
    // Recorded before the header is written: if that fails the writer is broken for good.
    if (!names.emplace(name).second) {
      return Status::AlreadyExists("zip " + sink.path + " already has an entry \"" +
                                   std::string(name) + "\"");
    }
    const int compression = options.compress ? archive_write_zip_set_compression_deflate(archive)
                                             : archive_write_zip_set_compression_store(archive);
    if (compression != ARCHIVE_OK) {
      return ArchiveError("choosing the compression of " + std::string(name));
    }
    // Tied to the archive so that libarchive's name conversions (UTF-8 to the header charset)
    // reuse the archive's converters: an entry of its own opened and closed an iconv converter
    // per entry, a twelfth of a small-document export's CPU.
    struct archive_entry* entry = archive_entry_new2(archive);
    archive_entry_set_pathname_utf8(entry, std::string(name).c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(size));
    archive_entry_set_mtime(entry, static_cast<time_t>(EntrySeconds(options.modified)), 0);
    const int header = archive_write_header(archive, entry);
    archive_entry_free(entry);
    if (header != ARCHIVE_OK) {
      return ArchiveError("writing the zip header of " + std::string(name));
    }
    return Status::OK();
  }

  Status WriteData(std::string_view bytes, EntryHasher& hasher, std::string_view name) {
    while (!bytes.empty()) {
      const la_ssize_t n = archive_write_data(archive, bytes.data(), bytes.size());
      if (n <= 0) {
        return ArchiveError("writing " + std::string(name) + " into the zip");
      }
      hasher.Update(bytes.substr(0, static_cast<size_t>(n)));
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }

  Status FinishEntry(std::string_view name) {
    if (archive_write_finish_entry(archive) != ARCHIVE_OK) {
      return ArchiveError("finishing " + std::string(name) + " in the zip");
    }
    return Status::OK();
  }
};

ZipWriter::ZipWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ZipWriter::~ZipWriter() = default;

Result<std::unique_ptr<ZipWriter>> ZipWriter::Create(const std::filesystem::path& file) {
  auto impl = std::make_unique<Impl>();
  impl->sink.path = file.string();
  // Read and write: the package hasher reads back what was written.
  impl->sink.fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (impl->sink.fd < 0) {
    return Status::IOError("cannot create " + impl->sink.path + ": " + ErrnoText(errno));
  }
  impl->sink.package_hash = std::make_unique<PackageHasher>(impl->sink.fd);
  impl->archive = archive_write_new();
  if (impl->archive == nullptr) {
    return Status::Internal("libarchive could not allocate a zip writer");
  }
  struct archive* a = impl->archive;
  // hdrcharset=UTF-8 sets the zip's UTF-8 name flag whatever the process locale is; without
  // it libarchive sets the flag only under a UTF-8 locale, and readers would then decode
  // Chinese or Arabic file names as code page 437.
  // compression-level=1: deflating text and load files at zlib's default level 6 took a third
  // of an export's CPU (bench/export) for a few percent of size; level 1 keeps most of the gain.
  if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
      archive_write_set_options(a, "zip:hdrcharset=UTF-8") != ARCHIVE_OK ||
      archive_write_set_options(a, "zip:compression-level=1") != ARCHIVE_OK ||
      archive_write_set_bytes_per_block(a, kArchiveBlockSize) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
      archive_write_open(a, &impl->sink, nullptr, WriteToFile, nullptr) != ARCHIVE_OK) {
    return impl->ArchiveError("opening " + impl->sink.path + " as a zip");
  }
  return std::unique_ptr<ZipWriter>(new ZipWriter(std::move(impl)));
}

Result<NativeDigests> ZipWriter::AddEntry(std::string_view name, std::string_view bytes,
                                          const ZipEntryOptions& options) {
  DOCKET_RETURN_IF_ERROR(impl_->BeginEntry(name, bytes.size(), options));
  EntryHasher hasher(options);
  // In blocks, so libarchive's deflate buffer and our hash see the same pieces as for files.
  while (!bytes.empty()) {
    const std::string_view block = bytes.substr(0, kBlockSize);
    DOCKET_RETURN_IF_ERROR(impl_->WriteData(block, hasher, name));
    bytes.remove_prefix(block.size());
  }
  DOCKET_RETURN_IF_ERROR(impl_->FinishEntry(name));
  return hasher.Finish();
}

Result<NativeDigests> ZipWriter::AddFileEntry(std::string_view name,
                                              const std::filesystem::path& source,
                                              const ZipEntryOptions& options) {
  DOCKET_RETURN_IF_ERROR(impl_->Usable());
  const int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    const std::string message = "cannot read " + source.string() + ": " + ErrnoText(error);
    return error == ENOENT ? Status::NotFound(message) : Status::IOError(message);
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return Status::IOError("cannot stat " + source.string() + ": " + ErrnoText(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return Status::InvalidArgument(source.string() + " is not a regular file");
  }
  const auto size = static_cast<uint64_t>(info.st_size);
  DOCKET_RETURN_IF_ERROR(impl_->BeginEntry(name, size, options));

  // From here on a failure leaves a header without its data: the zip is broken for good.
  EntryHasher hasher(options);
  std::vector<char> block(kBlockSize);
  uint64_t total = 0;
  while (true) {
    // One byte more than the size announced in the header, to notice a file that grew.
    const size_t want = static_cast<size_t>(std::min<uint64_t>(block.size(), size + 1 - total));
    const ssize_t n = ::read(fd, block.data(), want);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      impl_->broken =
          Status::IOError("reading " + source.string() + " into the zip: " + ErrnoText(errno));
      return impl_->broken;
    }
    if (n == 0) {
      break;
    }
    if (total + static_cast<uint64_t>(n) > size) {
      break;
    }
    total += static_cast<uint64_t>(n);
    DOCKET_RETURN_IF_ERROR(
        impl_->WriteData(std::string_view(block.data(), static_cast<size_t>(n)), hasher, name));
  }
  if (total != size || ::read(fd, block.data(), 1) > 0) {
    impl_->broken = Status::IOError(source.string() + " changed size while it was added to " +
                                    impl_->sink.path + " (was " + std::to_string(size) +
                                    " bytes); export again from a stable copy");
    return impl_->broken;
  }
  DOCKET_RETURN_IF_ERROR(impl_->FinishEntry(name));
  return hasher.Finish();
}

Status ZipWriter::Close() {
  if (impl_->closed) {
    return Status::Internal("zip " + impl_->sink.path + " is already closed");
  }
  impl_->closed = true;
  Status status = impl_->broken;
  if (status.ok() && archive_write_close(impl_->archive) != ARCHIVE_OK) {
    status = impl_->ArchiveError("writing the central directory of " + impl_->sink.path);
  }
  if (!status.ok()) {
    impl_->sink.abandoned = true;
  }
  archive_write_free(impl_->archive);
  impl_->archive = nullptr;
  // The package is renamed into place after Close(); without fsync a crash could leave a
  // complete-looking name over a file whose tail never reached the disk.
  if (status.ok() && ::fsync(impl_->sink.fd) != 0) {
    status = Status::IOError("cannot flush " + impl_->sink.path + ": " + ErrnoText(errno));
  }
  if (status.ok()) {
    Result<std::string> package_sha256 = impl_->sink.package_hash->Finish();
    if (package_sha256.ok()) {
      impl_->sink.package_sha256 = std::move(*package_sha256);
    } else {
      status = package_sha256.status();
    }
  }
  impl_->sink.package_hash.reset();
  if (::close(impl_->sink.fd) != 0 && status.ok()) {
    status = Status::IOError("cannot close " + impl_->sink.path + ": " + ErrnoText(errno));
  }
  impl_->sink.fd = -1;
  return status;
}

uint64_t ZipWriter::bytes_written() const { return impl_->sink.bytes_written; }

const std::string& ZipWriter::package_sha256() const { return impl_->sink.package_sha256; }

}  // namespace docket
