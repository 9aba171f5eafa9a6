/** @file
 *  @brief The list of items that could not be fully indexed, with why and where they came from
 *  (Omega's failed.h idea: failures are remembered, never lost).
 *
 *  A compliance officer must be able to say "everything we collected is searchable, and here is
 *  the list of what could not be read and why": `docket unindexed` prints this list.
 */
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "common/status.h"
#include "storage/item.h"

namespace docket {

class DocStore;

struct UnindexedEntry {
  Item item;           // state is kUnindexed or kPartiallyIndexed
  std::string source;  // the file given to `docket ingest` that the item came from
};

/// Calls `fn` for every unindexed or partially indexed item, in item id order.
Status ForEachUnindexed(const DocStore& store,
                        const std::function<void(const UnindexedEntry&)>& fn);

/// CSV (RFC 4180) with a header line: state,id,source,ipath,size,reason.
void WriteUnindexedCsvHeader(std::ostream& out);
void WriteUnindexedCsvRow(std::ostream& out, const UnindexedEntry& entry);

}  // namespace docket
