/** @file
 *  @brief Fuzz target: query text through the whole KQL path (lexer, parser, planner) and the
 *  planned query run against a small real index, so NEAR windows, wildcard expansion, XRANK
 *  and the limits are exercised end to end. Any input must end in a value or a Status: no
 *  crash, no exception, no hang (sharepoint-search.md §2.1 limits keep each run small).
 */
#include <xapian.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "query/kql_parser.h"
#include "query/kql_to_xapian.h"
#include "query/property_map.h"
#include "storage/text_analyzer.h"

namespace {

// A throw-away glass database with a few positional documents: words the seeds use, a CJK
// run and prefixed property terms. Built once per process.
Xapian::Database* SmallIndex() {
  static Xapian::Database* db = [] {
    char dir_template[] = "/tmp/docket_kql_fuzz_XXXXXX";
    const char* dir = mkdtemp(dir_template);
    if (dir == nullptr) {
      std::abort();
    }
    static const std::string root = dir;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(root, ignored);
    });
    const std::string path = root + "/xapian";
    Xapian::WritableDatabase writable(path, Xapian::DB_CREATE_OR_OPEN);
    const char* texts[] = {"this is a recipe of tasty swedish meatballs",
                           "a recipe for good meatballs comes from swedish people",
                           "cat dog fox budget review falcon", "合 约 审 查"};
    for (const char* text : texts) {
      Xapian::Document doc;
      Xapian::termpos pos = 0;
      std::string word;
      for (const char* p = text;; ++p) {
        if (*p == ' ' || *p == '\0') {
          if (!word.empty()) {
            doc.add_posting(word, ++pos);
            doc.add_term("S" + word);
            word.clear();
          }
          if (*p == '\0') {
            break;
          }
        } else {
          word.push_back(*p);
        }
      }
      doc.add_term("XFROMalice@contoso.com");
      writable.add_document(doc);
    }
    writable.commit();
    return new Xapian::Database(path);
  }();
  return db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  docket::Result<docket::KqlNode> ast = docket::ParseKql(text);
  if (!ast.ok()) {
    if (ast.error().code() != docket::StatusCode::kInvalidArgument) {
      std::abort();  // a malformed query is the user's error, never anything else
    }
    return 0;
  }
  if (ast->ToString().empty()) {
    std::abort();
  }
  static docket::TextAnalyzer* analyzer = new docket::TextAnalyzer();
  docket::KqlToXapian planner(docket::PropertyMap::Default(), *analyzer);
  planner.set_database(SmallIndex());
  Xapian::Query query;
  if (!planner.Build(*ast, &query).ok()) {
    return 0;
  }
  try {
    Xapian::Enquire enquire(*SmallIndex());
    enquire.set_query(query);
    enquire.get_mset(0, 10);
  } catch (const Xapian::WildcardError&) {
    // the expansion limit, reported as a Status by the searcher
  }
  return 0;
}
