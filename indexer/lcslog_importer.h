/** @file
 *  @brief LcsLog SQL archive dumps (ediscovery.md §2) -> one session per IM conversation or
 *         conference, with the same message model as the Export-CsArchivingData path.
 *
 *  A folder holds one file per table (Users, ContentTypes, SessionDetails, Messages,
 *  Conferences, ConferenceMessages, ConferenceMessageRecipientList), each a bcp or CSV dump read
 *  by DumpTable. Column names come from a header row, else a bcp format file beside the table
 *  (`Messages.fmt`, `Messages.xml` or `Messages.fmt.xml`), else the Lync 2013 column lists below.
 *  Message text comes out exactly as the export transcript gives it (same HTML-to-text rules,
 *  NFC, senders normalised with NormalizeSipAddress), so the ingest pipeline can merge a session
 *  found both in an export and in a dump.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time_util.h"
#include "indexer/dump_table.h"
#include "storage/item.h"

namespace docket {

/// True when `folder` holds LcsLog table dumps: a Messages and/or ConferenceMessages table file
/// (name match case-insensitive; "LcsLog.dbo.Messages.dat" counts; extensions .csv .tsv .txt
/// .dat .bcp or none).
bool LooksLikeLcsLogDump(const std::filesystem::path& folder);

/// The column order assumed for a headerless table without a format file: Lync Server 2013,
/// as public SQL against LcsLog names the columns (ediscovery.md §2.2). An assumption, not a
/// Microsoft-documented schema; a header or format file always wins. Empty for unknown tables.
const std::vector<std::string>& LcsLogDefaultColumns(std::string_view table);

struct LcsLogSession {
  bool conference = false;
  UtcMillis start = 0;  // SessionIdTime, UTC ms
  int sequence = 0;     // SessionIdSeq (0 when the table has none)
  // p2p: "Conversation between <a> and <b>" as Export-CsArchivingData writes it; conference:
  // "Conference organized by <uri>", else the conference URI.
  std::string subject;
  std::string from;  // initiator / organizer, normalised SIP (NormalizeSipAddress)
  std::vector<std::string> to;
  std::vector<std::string> participants;  // SessionDetails users ∪ senders/recipients, in order
  // Ordered by time, then input order. Text is NFC and reads as the export transcript shows it:
  // HTML -> HtmlToText; RTF -> ExtractRtfText and plain text with every run of white space
  // (line breaks included) as one space, as the transcript's HTML DIV renders them.
  std::vector<ConversationMessage> messages;
  // "unresolved user id 42 (kept as 'userid:42')", "message at Messages.csv line 17: body
  // could not be decoded (stored raw): ...". Non-empty means partially indexed.
  std::vector<std::string> warnings;
  // The session's source rows as deterministic UTF-8 TSV: one block per table, each with a
  // header line "table<TAB>line<TAB><columns...>"; values escape \\ \t \n \r, NULL is \N.
  std::string native;
  std::string native_name;  // "20130603091502123_1_p2p.tsv" (the export's naming)
  std::string table_path;   // the Messages / ConferenceMessages file, relative to the folder
};

/// What happened to one table file, for the exceptions report.
struct LcsLogTableReport {
  std::string table;         // "Messages"
  std::string path;          // relative to the folder
  std::string columns_from;  // "header row", "format file Messages.fmt", "Lync 2013 defaults"
  uint64_t rows_read = 0;
  uint64_t bad_row_count = 0;
  std::vector<DumpBadRow> bad_rows;   // reader and importer rejects, by line (capped)
  std::vector<std::string> warnings;  // decoding and table-level problems
};

/// Reads all the tables at Open and emits sessions in order of (start, sequence, p2p before
/// conference). Memory bound: the Messages and ConferenceMessages rows are held while the
/// importer lives, compactly (their fields as one UTF-8 string each, plus ~80 bytes a row), so
/// peak memory is about the size of those two tables in UTF-8; the small tables are maps.
/// Unknown columns are kept: they appear in each session's native, nowhere else.
class LcsLogImporter {
 public:
  /// Fails (kNotFound) when the folder has neither a Messages nor a ConferenceMessages table,
  /// or when a table file cannot be opened or has unusable column names.
  static Result<std::unique_ptr<LcsLogImporter>> Open(const std::filesystem::path& folder);
  ~LcsLogImporter();
  LcsLogImporter(const LcsLogImporter&) = delete;
  LcsLogImporter& operator=(const LcsLogImporter&) = delete;

  /// The next session: true, or false when all were emitted.
  Result<bool> Next(LcsLogSession* session);

  /// One report per table file read, in a fixed table order.
  const std::vector<LcsLogTableReport>& tables() const;
  /// Folder-level notes ("no Users table: every user id stays unresolved").
  const std::vector<std::string>& warnings() const;

 private:
  class Impl;
  explicit LcsLogImporter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
