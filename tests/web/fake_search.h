/** @file
 *  @brief A SearchFunction over a fixed list of items, for handler and socket tests.
 */
#pragma once

#include <string>
#include <vector>

#include "common/time_util.h"
#include "web/sharepoint_api.h"

namespace docket::web::testing {

/// Three archived items with known fields (ids 101, 102, 103).
inline std::vector<SearchHit> SampleHits() {
  std::vector<SearchHit> hits(3);
  hits[0].rank = 12.5;
  hits[0].item.id = 101;
  hits[0].item.kind = ItemKind::kImConversation;
  hits[0].item.ipath = "export.zip!/2013/03/15/alice_p2p.eml";
  hits[0].item.file_name = "alice_p2p.eml";
  hits[0].item.title = "Budget review";
  hits[0].item.from = "alice@contoso.com";
  hits[0].item.participants = {"alice@contoso.com", "bob@contoso.com"};
  hits[0].item.custodian = "alice";
  hits[0].item.sent = UtcFromCivil(2013, 3, 15, 9, 15, 2);
  hits[0].item.last_activity = UtcFromCivil(2013, 3, 15, 9, 20, 0);
  hits[0].item.size = 2048;
  hits[0].highlighted_summary = "the <c0>budget</c0> for Q2 &amp; Q3";

  hits[1].rank = 3.25;
  hits[1].item.id = 102;
  hits[1].item.kind = ItemKind::kEmail;
  hits[1].item.ipath = "mail.zip!/b.eml";
  hits[1].item.file_name = "b.eml";
  hits[1].item.title = "";  // falls back to the file name
  hits[1].item.from = "bob@contoso.com";
  hits[1].item.sent = UtcFromCivil(2013, 4, 1);
  hits[1].item.size = 10;

  hits[2].rank = 1;
  hits[2].item.id = 103;
  hits[2].item.kind = ItemKind::kFile;
  hits[2].item.ipath = "loose/notes";
  hits[2].item.file_name = "notes";
  hits[2].item.title = "Notes";
  return hits;
}

/// Pages SampleHits() like the searcher does; "bad(" queries fail like a KQL syntax error.
/// Records the last request in `*last` when given.
inline SearchFunction FakeSearch(SearchRequest* last = nullptr) {
  return [last](const SearchRequest& request) -> Result<SearchResult> {
    if (last != nullptr) {
      *last = request;
    }
    if (request.query_text.find("bad(") != std::string::npos) {
      return Status::InvalidArgument("syntax error at offset 4: unbalanced '('");
    }
    if (request.query_text == "boom") {
      return Status::Internal("index exploded");
    }
    std::vector<SearchHit> all = SampleHits();
    SearchResult result;
    result.total_rows = all.size();
    result.total_rows_including_duplicates = all.size() + (request.trim_duplicates ? 1 : 0);
    result.query_modification = request.query_text;
    for (const RefinerSpec& spec : request.refiners) {
      RefinerResult refiner;
      refiner.name = spec.name;
      refiner.entries.push_back(RefinerEntry{12, "docx",
                                             "\"\xC7\x82\xC7\x82"
                                             "646f6378\"",
                                             "docx"});
      result.refiners.push_back(std::move(refiner));
    }
    for (size_t i = request.start_row; i < all.size() && i < request.start_row + request.row_limit;
         ++i) {
      result.hits.push_back(all[i]);
    }
    return result;
  };
}

}  // namespace docket::web::testing
