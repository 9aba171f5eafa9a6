/** @file
 *  @brief PlanExport: which documents a production holds, in which order, under which control
 *  numbers, and which copies dedupe withholds. Pure decisions over the store; no files.
 *
 *  Order (reproducible: the same index, query and options give the same plan):
 *  families in the order their parents were ingested (item id), each family's documents
 *  contiguous, parent first, then its descendants depth-first in id order. Control numbers
 *  are then counted from bates_start without gaps.
 */
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "export/export_options.h"
#include "storage/item.h"

namespace docket {

class DocStore;

struct PlannedDocument {
  ItemId item_id = kNoItem;
  std::string doc_id;                       // "DKT0000001"
  std::string begin_attach;                 // the family parent's DocID
  std::string end_attach;                   // the family's last DocID
  std::string parent_doc_id;                // direct parent's DocID; empty for the family parent
  std::vector<std::string> attachment_ids;  // direct children's DocIDs
  std::string custodian;                    // this copy's custodian
  std::string source_path;                  // this copy's ipath
  bool responsive = false;                  // the query matched this item itself
};

/// A copy dedupe withheld: where it was found and the document that stands for it.
struct WithheldDuplicate {
  ItemId item_id = kNoItem;  // the family parent whose copy this is
  std::string kept_doc_id;
  std::string custodian;
  std::string source_path;
};

struct ExportPlan {
  std::vector<PlannedDocument> documents;
  std::vector<WithheldDuplicate> duplicates;
  uint64_t matched = 0;    // items the query matched (before families and dedupe)
  uint64_t unindexed = 0;  // items added because they are not fully indexed
  // Every item the plan read, the documents' included, without their text and conversation
  // lines.
  std::unordered_map<ItemId, Item> items;
  // The short texts of those items (DocStore::GetItem returns them with the item), as many as
  // a fixed budget holds (64 MiB); the exporter reads the others with DocStore::GetItemText.
  std::unordered_map<ItemId, std::string> texts;
};

/// `matched`: the items the query matched; `unindexed`: the items not fully indexed (used
/// when options.include asks for them). Items that are lines of a conversation (kImMessage)
/// and containers are never documents: the conversation or the container's members are.
Result<ExportPlan> PlanExport(const ExportOptions& options, const std::vector<ItemId>& matched,
                              const std::vector<ItemId>& unindexed, const DocStore& store);

/// "DKT" + 42 with 7 digits -> "DKT0000042".
std::string ControlNumber(const std::string& prefix, uint64_t number, uint32_t digits);

}  // namespace docket
