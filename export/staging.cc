/** @file
 *  @brief Staging: files built beside the package, written through a large buffer and hashed
 *  as each buffer reaches the file.
 */
#include "export/staging.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "common/file_io.h"
#include "common/hashing.h"

namespace docket {

namespace fs = std::filesystem;

// An ostream's buffer over a file descriptor. A std::ofstream wrote the 126 MB of load files of
// the bench corpus in 8 KiB writes (15,000 system calls on the writer's thread); this writes
// 1 MiB at a time and hashes each block on its way out.
class Staging::File : public std::streambuf {
 public:
  File(int fd, fs::path path) : fd_(fd), path_(std::move(path)), buffer_(kBufferSize) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  ~File() override {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  std::ostream& stream() { return stream_; }

  Result<StagedFileDigest> Close() {
    const bool flushed = Drain();
    const bool closed = fd_ >= 0 && ::close(fd_) == 0;
    if (!closed && error_.empty()) {
      error_ = std::strerror(errno);
    }
    fd_ = -1;
    if (!flushed || !closed || stream_.bad()) {
      return Status::IOError("writing " + path_.string() + " failed (disk full?)" +
                             (error_.empty() ? "" : ": " + error_));
    }
    return StagedFileDigest{size_, hasher_.FinishHex()};
  }

 protected:
  int_type overflow(int_type ch) override {
    if (!Drain()) {
      return traits_type::eof();
    }
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }

  std::streamsize xsputn(const char* data, std::streamsize count) override {
    // Most writes are a document's rendered line: copy it into the buffer.
    std::streamsize done = 0;
    while (done < count) {
      if (pptr() == epptr() && !Drain()) {
        return done;
      }
      const std::streamsize room = epptr() - pptr();
      const std::streamsize n = std::min(room, count - done);
      std::memcpy(pptr(), data + done, static_cast<size_t>(n));
      pbump(static_cast<int>(n));
      done += n;
    }
    return done;
  }

  int sync() override { return Drain() ? 0 : -1; }

 private:
  static constexpr size_t kBufferSize = size_t{1} << 20;

  // Hashes and writes what the buffer holds; false (and error_) when the file cannot take it.
  bool Drain() {
    const char* data = pbase();
    const size_t length = static_cast<size_t>(pptr() - pbase());
    if (length == 0) {
      return error_.empty();
    }
    if (!error_.empty() || fd_ < 0) {
      return false;
    }
    hasher_.Update(std::string_view(data, length));
    size_ += length;
    if (const int error = WriteAll(fd_, std::string_view(data, length)); error != 0) {
      error_ = std::strerror(error);
      return false;
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return true;
  }

  int fd_;
  fs::path path_;
  std::vector<char> buffer_;
  std::ostream stream_{this};
  Sha256Hasher hasher_;
  uint64_t size_ = 0;
  std::string error_;
};

Staging::Staging(fs::path dir) : dir_(std::move(dir)) {}

Staging::~Staging() {
  files_.clear();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Status Staging::Create() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  if (!fs::create_directories(dir_, ec) || ec) {
    return Status::IOError("cannot create the staging folder " + dir_.string() + ": " +
                           ec.message());
  }
  return Status::OK();
}

Result<std::ostream*> Staging::Open(const std::string& name) {
  const fs::path path = dir_ / name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IOError("cannot write " + path.string() + ": " + std::strerror(errno));
  }
  auto file = std::make_unique<File>(fd, path);
  std::ostream* stream = &file->stream();
  files_[name] = std::move(file);
  return stream;
}

Result<StagedFileDigest> Staging::Close(const std::string& name) {
  auto it = files_.find(name);
  if (it == files_.end()) {
    return Status::Internal("the staging file " + name + " was never opened");
  }
  return it->second->Close();
}

}  // namespace docket
