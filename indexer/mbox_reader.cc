/** @file
 *  @brief MBOX splitting: a block-buffered line reader and the postmark test. No library does
 *         this streaming (GMime's mbox mode needs a seekable GMimeStream over the whole file and
 *         trusts every "From " line), so it is done here in a few lines.
 */
#include "indexer/mbox_reader.h"

#include <algorithm>

#include "common/strings.h"

namespace docket {
namespace {

// Bytes read from the file at a time, and the longest piece of a line handed out at once.
constexpr size_t kBlockBytes = size_t{1} << 20;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A postmark is "From " + envelope sender + asctime date ("Mon Jun  3 09:15:02 2013"; some
// writers put a zone before the year). The date must show a time of day and a four-digit year:
// an unquoted "From here on ..." in a body has neither.
bool IsPostmark(std::string_view line) {
  if (!line.starts_with("From ")) {
    return false;
  }
  std::string_view rest = TrimWhitespace(line.substr(5));
  size_t sender_end = rest.find_first_of(" \t");
  if (sender_end == std::string_view::npos || sender_end == 0) {
    return false;
  }
  std::string_view date = rest.substr(sender_end);
  bool has_time = false;
  for (size_t i = 1; i + 2 < date.size(); ++i) {
    if (date[i] == ':' && IsDigit(date[i - 1]) && IsDigit(date[i + 1]) && IsDigit(date[i + 2])) {
      has_time = true;
      break;
    }
  }
  bool has_year = false;
  for (size_t i = 0; i + 4 <= date.size(); ++i) {
    bool starts_run = i == 0 || !IsDigit(date[i - 1]);
    bool ends_run = i + 4 == date.size() || !IsDigit(date[i + 4]);
    if (starts_run && ends_run && IsDigit(date[i]) && IsDigit(date[i + 1]) &&
        IsDigit(date[i + 2]) && IsDigit(date[i + 3])) {
      has_year = true;
      break;
    }
  }
  return has_time && has_year;
}

// mboxrd quoting: ">From ", ">>From ", ... at the start of a line lose one '>'.
std::string_view Unquote(std::string_view line) {
  size_t quotes = line.find_first_not_of('>');
  if (quotes != 0 && quotes != std::string_view::npos && line.substr(quotes).starts_with("From ")) {
    return line.substr(1);
  }
  return line;
}

std::string_view WithoutLineBreak(std::string_view line) {
  if (line.ends_with('\n')) {
    line.remove_suffix(1);
  }
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  return line;
}

bool IsBlank(std::string_view line) { return TrimWhitespace(line).empty(); }

}  // namespace

bool LooksLikeMbox(std::string_view head, std::string_view file_name) {
  std::string extension = FileExtension(file_name);
  if (extension == "mbox" || extension == "mbx") {
    return true;
  }
  size_t eol = head.find('\n');
  return IsPostmark(WithoutLineBreak(head.substr(0, eol)));
}

Result<std::unique_ptr<MboxReader>> MboxReader::OpenFile(const std::filesystem::path& path,
                                                         uint64_t max_message_bytes) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!file->is_open()) {
    return Status::IOError("cannot open mailbox " + path.string());
  }
  return std::unique_ptr<MboxReader>(new MboxReader(std::move(file), {}, max_message_bytes));
}

Result<std::unique_ptr<MboxReader>> MboxReader::OpenMemory(std::string_view bytes,
                                                           uint64_t max_message_bytes) {
  return std::unique_ptr<MboxReader>(new MboxReader(nullptr, bytes, max_message_bytes));
}

MboxReader::MboxReader(std::unique_ptr<std::ifstream> file, std::string_view memory,
                       uint64_t max_message_bytes)
    : file_(std::move(file)), memory_(memory), max_message_bytes_(max_message_bytes) {}

MboxReader::~MboxReader() = default;

Status MboxReader::Fill() {
  buffer_.erase(0, buffer_pos_);
  buffer_pos_ = 0;
  if (file_ == nullptr) {
    // Memory input goes through the same buffer so both sources share one code path; the copy
    // is one block at a time, never the whole mailbox.
    size_t take = std::min(memory_.size(), kBlockBytes);
    buffer_.append(memory_.substr(0, take));
    memory_.remove_prefix(take);
    input_done_ = memory_.empty();
    return Status::OK();
  }
  size_t old_size = buffer_.size();
  buffer_.resize(old_size + kBlockBytes);
  file_->read(buffer_.data() + old_size, static_cast<std::streamsize>(kBlockBytes));
  std::streamsize got = file_->gcount();
  buffer_.resize(old_size + static_cast<size_t>(got));
  if (file_->bad()) {
    return Status::IOError("reading the mailbox failed at offset " +
                           std::to_string(consumed_ + buffer_.size()));
  }
  if (file_->eof() || got == 0) {
    input_done_ = true;
  }
  return Status::OK();
}

Result<bool> MboxReader::ReadLine(std::string_view* line) {
  while (true) {
    std::string_view data = std::string_view(buffer_).substr(buffer_pos_);
    size_t eol = data.find('\n');
    size_t take = 0;
    if (eol != std::string_view::npos && eol < kBlockBytes) {
      take = eol + 1;
    } else if (data.size() >= kBlockBytes) {
      take = kBlockBytes;  // a very long line comes out in pieces
    } else if (input_done_) {
      take = data.size();
      if (take == 0) {
        return false;
      }
    } else {
      DOCKET_RETURN_IF_ERROR(Fill());
      continue;
    }
    *line = data.substr(0, take);
    buffer_pos_ += take;
    consumed_ += take;
    at_line_start_ = line->ends_with('\n');
    return true;
  }
}

Result<bool> MboxReader::Next(MboxMessage* message) {
  while (true) {
    *message = MboxMessage();
    bool has_postmark = have_pending_;
    message->offset = has_postmark ? pending_offset_ : consumed_;
    message->postmark = std::move(pending_postmark_);
    uint64_t size = has_postmark ? pending_postmark_bytes_ : 0;
    pending_postmark_.clear();
    have_pending_ = false;
    bool oversize = false;
    bool has_text = false;

    std::string_view line;
    while (true) {
      bool line_start = at_line_start_;
      uint64_t line_offset = consumed_;
      DOCKET_ASSIGN_OR_RETURN(bool got, ReadLine(&line));
      if (!got) {
        break;
      }
      if (line_start && IsPostmark(WithoutLineBreak(line))) {
        pending_postmark_ = std::string(WithoutLineBreak(line));
        pending_offset_ = line_offset;
        pending_postmark_bytes_ = line.size();
        have_pending_ = true;
        break;
      }
      size += line.size();
      has_text = has_text || !IsBlank(line);
      if (oversize) {
        continue;
      }
      std::string_view text = line_start ? Unquote(line) : line;
      if (message->bytes.size() + text.size() > max_message_bytes_) {
        oversize = true;
        std::string().swap(message->bytes);  // give the memory back now, not at the end
        continue;
      }
      message->bytes.append(text);
    }

    if (!has_postmark && !has_text) {
      if (have_pending_) {
        continue;  // only blank lines before the first postmark
      }
      return false;
    }
    message->index = next_index_++;
    message->size = size;
    if (oversize) {
      message->skipped_reason = "message " + std::to_string(message->index) + " at offset " +
                                std::to_string(message->offset) + " is " + std::to_string(size) +
                                " bytes, more than the limit of " +
                                std::to_string(max_message_bytes_) + " bytes; it was skipped";
      return true;
    }
    // The blank line a writer puts before the next postmark is a separator, not message text.
    if (message->bytes.ends_with("\r\n\r\n")) {
      message->bytes.resize(message->bytes.size() - 2);
    } else if (message->bytes.ends_with("\n\n")) {
      message->bytes.resize(message->bytes.size() - 1);
    }
    return true;
  }
}

}  // namespace docket
