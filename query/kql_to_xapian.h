/** @file
 *  @brief KqlNode + PropertyMap + TextAnalyzer -> Xapian::Query (the "plan" half of §b.6).
 *
 *  The header stays free of <xapian.h> (Xapian::Query and Xapian::Database are only
 *  forward-declared); kql_to_xapian.cc and searcher.cc are the only query TUs that include it.
 *
 *  What each construct becomes, with the terms the indexer writes (storage/search_index.cc):
 *    word            TextAnalyzer::Tokenize: one token -> the term; several (a CJK run,
 *                    "e-mail") -> OP_PHRASE of them; a word with no tokens (punctuation)
 *                    constrains nothing
 *    word*           OP_WILDCARD on the last token
 *    "phrase"        OP_PHRASE of its tokens
 *    *               MatchAll
 *    NOT x, -x       MatchAll AND_NOT x (inside an AND: the AND's positives AND_NOT x)
 *    subject:x       "S"-prefixed tokens (title: is the same property)
 *    from/to/cc/bcc/recipients/participants/author:x   prefix + NormalizeAddress(x); a display
 *                    name of several words also matches as the AND of its words; with an
 *                    IdentityResolver, OR'd with every form of the identity x names (x* and
 *                    "x*" are never expanded)
 *    attachmentnames/filename:x   the whole lower-cased name, or all of its words; ".ext"
 *    hasattachment:x XHASATT + true|false (yes/no, 1/0); importance:x XIMP + high|medium|low
 *    received:d      like sent, over the received slot
 *    kind:x          XKIND + ItemKindName(ParseItemKind(x)); custodian:x XCUST + Normalize(x)
 *    sent/write:d    value range over the span the date names (a day for YYYY-MM-DD)
 *    size:n          value comparisons; a..b inclusive
 *    prop:*          the property has a value
 *    unknown:x       matches nothing (sharepoint-search.md §1.12)
 *    a NEAR(k) b     OP_NEAR of the tokens of both with window k + tokens (ONEAR: OP_PHRASE
 *                    with that window); an operand of several tokens also needs its phrase;
 *                    chains apply pairwise (see Proximity in the .cc for the approximation)
 *    WORDS(a, b)     OP_SYNONYM
 *    m XRANK(cb=c) r OP_AND_MAYBE(m, OP_SCALE_WEIGHT(r, c)): never changes the match set
 *
 *  Limit: a typed `word*` that expands to more than kKqlMaxPrefixTerms index terms is
 *  InvalidArgument "position N: 'a*' matches more than 10000 different words; ..." (checked
 *  when a database is set; without one Xapian's own limit applies at match time).
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time_util.h"
#include "query/kql_ast.h"
#include "query/property_map.h"

namespace Xapian {
class Database;
class Query;
}  // namespace Xapian

namespace docket {

class IdentityResolver;
class TextAnalyzer;

/// Most index terms one typed prefix (`word*`) may expand to.
inline constexpr unsigned kKqlMaxPrefixTerms = 10000;

struct KqlPlanOptions {
  // "Now" for the relative date words (today, yesterday, "this week", "this month",
  // "last month", "this year", "last year"); 0 means the system clock. Weeks start on Sunday
  // (culture 1033). Default: 0
  UtcMillis now = 0;
  // A free-text word also matches its Snowball stems (SearchRequest::enable_stemming), in each
  // of `stem_languages` (DetectedLanguage codes). With a database set, the languages the index
  // holds are used instead. Phrases, prefixes and property values are never stemmed.
  bool enable_stemming = true;
  std::vector<std::string> stem_languages;
  // Words typed with diacritics match only words with those diacritics
  // (SearchRequest::accent_sensitive).
  bool accent_sensitive = false;
  // Resolves a recipient-property value (from, to, cc, bcc, recipients, participants, author) to
  // every form of the identity it names (storage/directory.h); the restriction then matches any
  // of them. nullptr: values match as typed. Not owned. Default: nullptr
  const IdentityResolver* identities = nullptr;
};

class KqlToXapian {
 public:
  /// `analyzer` must outlive this object and is not thread-safe (one per request or thread).
  KqlToXapian(const PropertyMap& properties, TextAnalyzer& analyzer,
              const KqlPlanOptions& options = {});

  /// Optional: the database used to expand a wildcard on the last word of a phrase
  /// ("Advanced Sear*"), which Xapian 1.4 cannot do inside OP_PHRASE. Without it such a phrase
  /// degrades to (phrase of the other words) AND (wildcard).
  void set_database(const Xapian::Database* db) { db_ = db; }

  /// Builds the query. InvalidArgument "position N: ..." for a value the property cannot take
  /// (a bad date, a non-numeric size, '<' on a text property).
  Status Build(const KqlNode& ast, Xapian::Query* out);

 private:
  struct Impl;
  const PropertyMap& properties_;
  TextAnalyzer& analyzer_;
  KqlPlanOptions options_;
  const Xapian::Database* db_ = nullptr;
};

/// The DetectedLanguage codes an index holds (its XLANG terms): the languages a stemmed
/// search widens a word in. A handful of terms, read in microseconds.
std::vector<std::string> IndexLanguages(const Xapian::Database& db);

/// Parses `kql` and returns Xapian's description of the planned query, e.g.
/// "Query((XFROMalice AND_NOT falcon))". For table tests and `docket search --explain`.
Result<std::string> QueryDescription(std::string_view kql, TextAnalyzer& analyzer,
                                     const KqlPlanOptions& options = {});

}  // namespace docket
