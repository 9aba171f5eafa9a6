/** @file
 *  @brief MBOX mailboxes (mboxo / mboxrd, as Thunderbird, mutt, Apple Mail and Google Takeout
 *         write them) -> one message at a time, streamed.
 *
 *  A mailbox can be tens of gigabytes, so it is read in blocks and only the current message is
 *  held in memory. Messages are split at "From " postmark lines; a "From " line that does not
 *  look like a postmark (no time of day and year) is body text that a writer forgot to quote, so
 *  it does not split the message. A message larger than the cap is reported with its offset and
 *  size and skipped, and the messages after it are still read.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace docket {

/// True when `head` (the first bytes of a file) opens with an mbox postmark line
/// ("From alice@example.com Mon Jun  3 09:15:02 2013"), or when `file_name` ends in .mbox or
/// .mbx (an empty or oddly started mailbox is still a mailbox).
bool LooksLikeMbox(std::string_view head, std::string_view file_name);

struct MboxMessage {
  uint64_t index = 0;    // 0-based position in the mailbox, counting skipped messages
  uint64_t offset = 0;   // byte offset of the message's postmark line in the mailbox
  uint64_t size = 0;     // bytes the message occupies in the mailbox, postmark line included
  std::string postmark;  // the "From ..." line without its line break; empty for leading text
  // The RFC 5322 message: the lines after the postmark, with one level of ">From " quoting
  // removed (mboxrd; in an mboxo file a genuine ">From " line loses its '>') and the blank
  // separator line before the next postmark dropped. Empty when skipped.
  std::string bytes;
  // Why the message was not returned (e.g. larger than the cap); empty when `bytes` is it. The
  // caller records such a message as unindexed; the mailbox itself is not damaged by it.
  std::string skipped_reason;
};

class MboxReader {
 public:
  /// The default cap on one message (256 MiB): larger messages are skipped with a reason.
  static constexpr uint64_t kDefaultMaxMessageBytes = uint64_t{256} << 20;

  /// Opens a mailbox file; fails with kIOError when it cannot be opened.
  static Result<std::unique_ptr<MboxReader>> OpenFile(
      const std::filesystem::path& path, uint64_t max_message_bytes = kDefaultMaxMessageBytes);
  /// Reads a mailbox already in memory (e.g. an archive member). The bytes are borrowed: they
  /// must outlive the reader.
  static Result<std::unique_ptr<MboxReader>> OpenMemory(
      std::string_view bytes, uint64_t max_message_bytes = kDefaultMaxMessageBytes);

  ~MboxReader();
  MboxReader(const MboxReader&) = delete;
  MboxReader& operator=(const MboxReader&) = delete;

  /// The next message: true with `*message` filled, false at the end of the mailbox. Fails
  /// (kIOError) only when reading the file fails; the messages returned before stay valid. Text
  /// before the first postmark, if any is not blank, comes out as a message with an empty
  /// postmark so nothing is lost.
  Result<bool> Next(MboxMessage* message);

 private:
  MboxReader(std::unique_ptr<std::ifstream> file, std::string_view memory,
             uint64_t max_message_bytes);

  // Sets `*line` to the next line including its '\n' (or a piece of at most one block of a
  // longer line). False at the end of input.
  Result<bool> ReadLine(std::string_view* line);
  Status Fill();

  std::unique_ptr<std::ifstream> file_;  // null when reading from memory
  std::string_view memory_;
  uint64_t max_message_bytes_;

  std::string buffer_;  // bytes read but not yet consumed, starting at buffer_pos_
  size_t buffer_pos_ = 0;
  uint64_t consumed_ = 0;  // mailbox offset of buffer_[buffer_pos_]
  bool at_line_start_ = true;
  bool input_done_ = false;

  std::string pending_postmark_;  // the postmark that opens the next message
  uint64_t pending_offset_ = 0;
  uint64_t pending_postmark_bytes_ = 0;  // its length in the mailbox, line break included
  bool have_pending_ = false;
  uint64_t next_index_ = 0;
};

}  // namespace docket
