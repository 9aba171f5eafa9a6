/** @file
 *  @brief FamilyBuilder: one native's bytes -> a family of items (the item, its attachments,
 *         embedded files and conversation lines), without touching the store.
 *
 *  This is the parallel half of ingest: pure functions of the input bytes, run on worker
 *  threads. Ids are not allocated here; the single writer (ingest_pipeline.cc) allocates them in
 *  input order, which keeps ids identical between an interrupted-and-resumed run and an
 *  uninterrupted one. The dispatch by type lives here and nowhere else:
 *    - RFC 5322 message: Lync session (Session-Id / export file name) -> conversation or meeting
 *      with one kImMessage line each and uploads as attachments; other mail -> email, meeting
 *      or conversation history (message_kind.h) with attachments;
 *    - documents (OOXML, PDF, RTF, HTML, text in any charset) -> text, embedded files as
 *      children;
 *    - TNEF winmail.dat -> its attachments as children;
 *    - an archive inside an attachment or document -> a container with its members;
 *    - anything else -> an unindexed item with the reason, native kept.
 */
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "indexer/archive_limits.h"
#include "storage/item.h"

namespace docket {

class TextAnalyzer;
struct ArchiveEntry;
struct LcsLogSession;

/// An item of a family before it has an id. Parents are named by index into Family::items;
/// kNoParentInFamily means the family's own parent (the container the walker gives it).
struct PendingItem {
  static constexpr int kNoParentInFamily = -1;
  Item item;
  int parent = kNoParentInFamily;
  std::string native;  // bytes stored under item.sha256 (empty: nothing to store)
};

/// items[0] is the head: the item the input bytes are. Children follow their parent.
struct Family {
  std::vector<PendingItem> items;
};

struct FamilyContext {
  std::string custodian;
  ArchiveLimits limits;
  int depth = 0;  // archive/attachment nesting of the input bytes
  // Where a PST found inside another file is copied for libpff (which reads only files);
  // inside the index directory, so nothing is ever written elsewhere. Empty: such PSTs are
  // recorded as unindexed.
  std::filesystem::path temp_dir;
};

/// Builds the family of one input. `sha256` is the hex SHA-256 of `bytes`; `ipath` its path.
/// Never fails: what cannot be read becomes an unindexed or partially indexed item. `problem`
/// (an archive member cut short or renamed, see ArchiveEntry::problem) is added to the head.
Family BuildFamily(std::string bytes, std::string sha256, const std::string& ipath,
                   const FamilyContext& context, const std::string& problem = {});

/// The conversation or meeting rebuilt from LcsLog rows, with its lines; its native is the
/// session's rows as the importer rendered them.
Family FamilyFromLcsLog(LcsLogSession session, const std::string& ipath,
                        const FamilyContext& context);

/// Whether an archive entry has bytes to parse (links, devices and members that could not be
/// read at all have none: they become unindexed items with the entry's problem as reason).
bool EntryHasContent(const ArchiveEntry& entry);

/// An item for a member that could not be read at all (an encrypted or oversized member, a
/// link, a damaged archive): kind kFile unless given, state kUnindexed with `reason`.
Family UnreadableFamily(const std::string& ipath, const std::string& reason, std::string native,
                        std::string sha256, uint64_t size, const FamilyContext& context);

/// "a; b; c": the reasons an item is partially indexed, in one state_reason (empty ones skipped).
std::string JoinReasons(const std::vector<std::string>& reasons);

/// Marks the family head kPartiallyIndexed (if it was indexed) and appends `reason`.
void AddProblem(Item* item, const std::string& reason);

/// The media type we record for a file name ("message/rfc822" for .eml, ...).
std::string MediaTypeForName(const std::string& name);

}  // namespace docket
