/** @file
 *  @brief ExportRecord: everything a production says about one document, built once per
 *  document by the exporter and read by every writer (DAT, EDRM manifest, Results.csv), so
 *  the load files cannot disagree with each other.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/hashing.h"
#include "common/time_util.h"
#include "storage/item.h"

namespace docket {

/// One file of the package as written: path relative to the package root with forward
/// slashes ("NATIVES/0001/DKT0000001.eml"), and the size and digests of the bytes written.
struct PackageFile {
  std::string path;
  std::string file_name;  // last component of path
  uint64_t size = 0;
  NativeDigests digests;
};

struct ExportRecord {
  std::string doc_id;  // control number; BEGBATES = ENDBATES (natives are numbered per document)
  ItemId item_id = kNoItem;
  ItemKind kind = ItemKind::kFile;
  std::string doc_type;   // EDRM DocType: "Message" (email, IM, meeting) or "File"
  std::string mime_type;  // "message/rfc822", ...
  // Family (ediscovery.md §6): the parent's DocID and the family's last DocID; a document
  // without attachments is its own family (begin = end = doc_id).
  std::string begin_attach;
  std::string end_attach;
  std::string parent_doc_id;                // direct parent in the package; empty for a parent
  std::vector<std::string> attachment_ids;  // DocIDs of the direct children, in order

  std::string custodian;                    // whose copy this document is
  std::vector<std::string> all_custodians;  // every custodian the content was collected from
  std::string source_path;                  // where this copy was found (the item's ipath)

  std::string from;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::vector<std::string> bcc;
  std::vector<std::string> participants;
  std::string subject;
  UtcMillis sent = 0;         // 0: unknown (written as an empty value)
  UtcMillis received = 0;     // 0: unknown
  UtcMillis session_end = 0;  // last message of a conversation or meeting; 0 otherwise
  std::string message_class;  // IPM.Note, ...
  std::string importance;     // high, medium, low; empty when unknown
  std::string message_id;
  std::string session_id;
  std::string conversation_kind;  // "p2p" or "conf" for IM sessions and meetings, else empty
  uint32_t message_count = 0;
  uint32_t attachment_count = 0;
  std::vector<std::string> attachment_names;
  std::string author;
  std::string file_name;
  std::string file_extension;  // without the dot, lower case
  uint64_t file_size = 0;      // of the native as collected
  std::string language;        // DetectedLanguage

  std::string index_state;   // "indexed", "partially-indexed", "unindexed"
  std::string state_reason;  // why not fully indexed; empty when indexed
  bool responsive = true;    // matched the query itself (false: included as family or unindexed)

  // The digests recorded at ingest (SHA-256 always; MD5 and SHA-1 for items ingested since
  // they were recorded) and the files written. An absent native is an error in the report.
  NativeDigests ingest_digests;
  std::optional<PackageFile> native;
  std::optional<PackageFile> text;
};

}  // namespace docket
