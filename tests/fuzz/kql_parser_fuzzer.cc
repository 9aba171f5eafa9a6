/** @file
 *  @brief Fuzz target: query text through the KQL parser and, when it parses, the planner.
 */
#include <cstdint>
#include <string>

#include "query/kql_parser.h"
#include "query/kql_to_xapian.h"
#include "storage/text_analyzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (docket::ParseKql(text).ok()) {
    static docket::TextAnalyzer* analyzer = new docket::TextAnalyzer();
    docket::QueryDescription(text, *analyzer).status().IgnoreError();
  }
  return 0;
}
