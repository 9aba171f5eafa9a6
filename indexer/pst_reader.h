/** @file
 *  @brief Outlook PST/OST files -> one item per message, contact, task or appointment, with
 *         libpff.
 *
 *  Each item comes out twice: as a deterministic RFC 5322 rendering (`eml`, the item's native
 *  for export: the same PST always renders the same bytes) and as the MimeMessage parsed from
 *  it, which the pipeline indexes. The MAPI message class travels along so conversation history
 *  and meetings get their kinds (message_kind.h). libpff's headers stay in pst_reader.cc.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "indexer/mime_parser.h"

namespace docket {

/// True when `head` starts with the PST/OST signature "!BDN".
bool LooksLikePst(std::string_view head);

struct PstItem {
  // Folder names from the root down, joined with '/' ("Top of Outlook data file/Inbox"); a '/'
  // inside a name is kept as is. Display names are localised, so this is for people, not logic.
  std::string folder_path;
  uint32_t identifier = 0;  // the item's node id in the PST: stable, unique within the file
  std::string item_class;   // PR_MESSAGE_CLASS; "IPM.Note" when the item has none
  // The rendering: the item's transport headers when it has them (received mail), else headers
  // built from MAPI properties (From, To, Cc, Bcc, Subject, Date, Message-ID); always an
  // X-Message-Class header; the plain, HTML (and, when neither exists, RTF) bodies; every file
  // attachment in base64 and every attached Outlook item as message/rfc822, rendered the same
  // way. Empty when the item was skipped.
  std::string eml;
  // ParseMime(eml), with item_class set from the PST (transport headers carry none).
  MimeMessage message;
  // Parts that could not be read (an attachment's data, an unreadable body); the item is
  // partially indexed.
  std::vector<std::string> warnings;
  // Why the item could not be read at all; `eml` is then empty. The caller records it as
  // unindexed (there is no native to keep but the PST itself).
  std::string skipped_reason;
};

class PstReader {
 public:
  /// Opens a PST or OST. libpff reads through files only (its memory I/O needs libbfio, whose
  /// headers Debian does not ship), so a PST inside an archive must be written to a temporary
  /// file first. Fails with kInvalidArgument when the file is not a PST, kCorruption when
  /// libpff cannot read its header or root folder, kIOError when it cannot be opened.
  static Result<std::unique_ptr<PstReader>> OpenFile(const std::filesystem::path& path);

  ~PstReader();
  PstReader(const PstReader&) = delete;
  PstReader& operator=(const PstReader&) = delete;

  /// The next item: true with `*item` filled, false when every folder was visited. Order is
  /// deterministic: a folder's items in stored order, then its subfolders depth-first. A folder
  /// that cannot be opened is reported as a skipped item naming the folder, and the walk goes
  /// on; nothing here fails after OpenFile succeeded.
  Result<bool> Next(PstItem* item);

 private:
  struct Impl;
  explicit PstReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
