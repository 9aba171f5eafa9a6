/** @file
 *  @brief Plans a KQL AST into a Xapian::Query with the indexer's own analyzer and schema.
 *
 *  A sub-expression can be "neutral": a word that analyses to no terms (punctuation, a lone
 *  '-') constrains nothing, so it is dropped from AND/OR rather than turned into MatchNothing
 *  (which would empty the whole AND) or MatchAll (which would fill an OR). A restriction whose
 *  value has no terms is different: `subject:""` matches nothing (sharepoint-search.md §2.10).
 *
 *  Xapian::Error is caught here and in searcher.cc only (style.md §c.3).
 */
#include "query/kql_to_xapian.h"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "common/strings.h"
#include "query/kql_parser.h"
#include "storage/directory.h"
#include "storage/index_schema.h"
#include "storage/item.h"
#include "storage/language_detector.h"
#include "storage/text_analyzer.h"

namespace docket {
namespace {

constexpr int64_t kDayMillis = 86'400'000;
// An open end of a date or number range.
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Inclusive span of values a restriction value names.
struct Span {
  double low = 0;
  double high = 0;
};

Status ErrorAt(size_t position, const std::string& message) {
  return Status::InvalidArgument("position " + std::to_string(position) + ": " + message);
}

std::string ValueQueryPattern(std::string_view prefix, const std::string& term) {
  std::string out(prefix);
  out += term;
  return out;
}

// "04/15/2015" (Exchange 2016-era examples, §2.3) -> "2015-04-15"; anything else unchanged.
std::string UsDateToIso(std::string_view text) {
  size_t a = text.find('/');
  size_t b = a == std::string_view::npos ? a : text.find('/', a + 1);
  if (b == std::string_view::npos || a == 0 || a > 2 || b - a - 1 == 0 || b - a - 1 > 2 ||
      text.size() - b - 1 != 4) {
    return std::string(text);
  }
  for (char c : text) {
    if (c != '/' && (c < '0' || c > '9')) {
      return std::string(text);
    }
  }
  auto two = [](std::string_view s) {
    return s.size() == 1 ? "0" + std::string(s) : std::string(s);
  };
  return std::string(text.substr(b + 1)) + "-" + two(text.substr(0, a)) + "-" +
         two(text.substr(a + 1, b - a - 1));
}

struct Built {
  Xapian::Query query;
  bool neutral = false;  // constrains nothing (see the file comment)
};

Built Neutral() { return {Xapian::Query(), true}; }

}  // namespace

struct KqlToXapian::Impl {
  const PropertyMap& properties;
  TextAnalyzer& analyzer;
  const KqlPlanOptions& options;
  const Xapian::Database* db;
  std::vector<std::string> stem_languages;  // see KqlPlanOptions
  // The first error found where a Status cannot be returned (Wildcard), and the position of
  // the node being planned, for its message.
  mutable Status error;
  mutable size_t position = 0;
  mutable std::optional<bool> date_terms;  // HasDateTerms, read once per plan

  // ---- free text and analysed property text ----

  // A `word*` the user typed. Never silently truncated (a compliance search must not drop
  // matching terms): more than kKqlMaxPrefixTerms terms is an error. With a database the
  // terms are counted here, so the error is InvalidArgument with the position (400); Xapian's
  // own limit stays as the backstop (WildcardError, which the searcher reports as
  // ResourceExhausted).
  Xapian::Query Wildcard(const std::string& pattern) const {
    if (db != nullptr && error.ok()) {
      Xapian::termcount count = 0;
      for (auto it = db->allterms_begin(pattern); it != db->allterms_end(pattern); ++it) {
        if (++count > kKqlMaxPrefixTerms) {
          error = TooManyTerms(pattern);
          return Xapian::Query::MatchNothing;
        }
      }
    }
    return Xapian::Query(Xapian::Query::OP_WILDCARD, pattern, kKqlMaxPrefixTerms,
                         Xapian::Query::WILDCARD_LIMIT_ERROR);
  }

  Status TooManyTerms(const std::string& pattern) const {
    size_t shown = 0;  // the pattern without an internal prefix such as "S" or "XFROM"
    while (shown < pattern.size() && pattern[shown] >= 'A' && pattern[shown] <= 'Z') {
      ++shown;
    }
    return ErrorAt(position, "'" + pattern.substr(shown) + "*' matches more than " +
                                 std::to_string(kKqlMaxPrefixTerms) +
                                 " different words; type more letters before the '*'");
  }

  // Every indexed term starting with `pattern`, as an OR (usable inside OP_PHRASE).
  Xapian::Query ExpandedWildcard(const std::string& pattern) const {
    std::vector<Xapian::Query> terms;
    for (auto it = db->allterms_begin(pattern); it != db->allterms_end(pattern); ++it) {
      if (terms.size() >= kKqlMaxPrefixTerms) {
        if (error.ok()) {
          error = TooManyTerms(pattern);
        }
        return Xapian::Query::MatchNothing;
      }
      terms.emplace_back(*it);
    }
    if (terms.empty()) {
      return Xapian::Query::MatchNothing;
    }
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }

  // The term a token is searched as: its exact (accented) form in an accent-sensitive free-text
  // search when the query word carries diacritics, else its folded form.
  std::string TokenTerm(const AnalyzedToken& token, std::string_view prefix) const {
    if (options.accent_sensitive && prefix.empty() && !token.exact.empty()) {
      return ValueQueryPattern(schema::kPrefixExact, token.exact);
    }
    return ValueQueryPattern(prefix, token.term);
  }

  // A single free-text word, widened by its stems: the word OR Z<stem> (words indexed with that
  // stem) OR <stem> (the stem as a word: a stem that is itself the word gets no Z term).
  Xapian::Query WordWithStems(const AnalyzedToken& token, const std::string& term) const {
    if (!options.enable_stemming || !token.stemmable() || stem_languages.empty()) {
      return Xapian::Query(term);
    }
    std::vector<Xapian::Query> parts{Xapian::Query(term)};
    std::vector<std::string> seen;
    for (const std::string& language : stem_languages) {
      std::string stem = StemWord(language, token.term);
      if (stem.empty() || std::find(seen.begin(), seen.end(), stem) != seen.end()) {
        continue;
      }
      parts.emplace_back(std::string(schema::kPrefixStem) + stem);
      if (stem != token.term) {
        parts.emplace_back(stem);
      }
      seen.push_back(std::move(stem));
    }
    if (parts.size() == 1) {
      return parts.front();
    }
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
  }

  // The query for analysed text under `prefix` ("" for free text, "S" for subject).
  // nullopt: the text has no terms. `quoted`: a phrase the user wrote in quotes, never stemmed.
  std::optional<Xapian::Query> AnalysedText(std::string_view text, bool prefix_match,
                                            std::string_view prefix, bool quoted) const {
    std::vector<AnalyzedToken> tokens = analyzer.Tokenize(text);
    if (tokens.empty()) {
      return std::nullopt;
    }
    if (tokens.size() == 1) {
      std::string term = TokenTerm(tokens.front(), prefix);
      if (prefix_match) {
        return Wildcard(term);
      }
      const bool exact = options.accent_sensitive && !tokens.front().exact.empty();
      if (quoted || !prefix.empty() || exact) {
        return Xapian::Query(term);  // stems would bring back the words without the accents
      }
      return WordWithStems(tokens.front(), term);
    }
    std::vector<Xapian::Query> parts;
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string term = TokenTerm(tokens[i], prefix);
      bool last = i + 1 == tokens.size();
      if (last && prefix_match) {
        if (db == nullptr) {
          // Xapian 1.4 has no OP_WILDCARD inside OP_PHRASE; without a database to expand it
          // against, require the other words as a phrase and the last as a prefix.
          Xapian::Query phrase =
              parts.size() == 1
                  ? parts.front()
                  : Xapian::Query(Xapian::Query::OP_PHRASE, parts.begin(), parts.end(),
                                  static_cast<Xapian::termcount>(parts.size()));
          return Xapian::Query(Xapian::Query::OP_AND, phrase, Wildcard(term));
        }
        parts.push_back(ExpandedWildcard(term));
      } else {
        parts.emplace_back(term);
      }
    }
    return Xapian::Query(Xapian::Query::OP_PHRASE, parts.begin(), parts.end(),
                         static_cast<Xapian::termcount>(parts.size()));
  }

  // ---- property values ----

  Result<Span> DateSpan(const KqlNode& value) const {
    const std::string& text = value.text;
    std::string lower = analyzer.Normalize(text);
    UtcMillis now = options.now;
    if (now == 0) {
      now = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
    }
    const int64_t today = (now >= 0 ? now / kDayMillis : (now - kDayMillis + 1) / kDayMillis);
    const UtcMillis today_start = today * kDayMillis;
    auto days = [](UtcMillis start, int64_t count) {
      return Span{static_cast<double>(start), static_cast<double>(start + count * kDayMillis - 1)};
    };
    if (lower == "today") {
      return days(today_start, 1);
    }
    if (lower == "yesterday") {
      return days(today_start - kDayMillis, 1);
    }
    if (lower == "this week") {
      // 1970-01-01 was a Thursday; days since the last Sunday:
      const int64_t weekday = ((today % 7) + 7 + 4) % 7;
      return days(today_start - weekday * kDayMillis, 7);
    }
    if (lower == "this month" || lower == "last month" || lower == "this year" ||
        lower == "last year") {
      const CivilDate civil = CivilDateOf(now);
      const int year = civil.year;
      const int month = civil.month;
      UtcMillis begin = 0;
      UtcMillis end = 0;
      if (lower == "this month") {
        begin = UtcFromCivil(year, month, 1);
        end = month == 12 ? UtcFromCivil(year + 1, 1, 1) : UtcFromCivil(year, month + 1, 1);
      } else if (lower == "last month") {
        begin = month == 1 ? UtcFromCivil(year - 1, 12, 1) : UtcFromCivil(year, month - 1, 1);
        end = UtcFromCivil(year, month, 1);
      } else if (lower == "this year") {
        begin = UtcFromCivil(year, 1, 1);
        end = UtcFromCivil(year + 1, 1, 1);
      } else {
        begin = UtcFromCivil(year - 1, 1, 1);
        end = UtcFromCivil(year, 1, 1);
      }
      return Span{static_cast<double>(begin), static_cast<double>(end - 1)};
    }
    Result<ParsedUtc> parsed = ParseUtc(UsDateToIso(text));
    if (!parsed.ok()) {
      return ErrorAt(value.position, parsed.error().message());
    }
    return Span{static_cast<double>(parsed->millis),
                static_cast<double>(parsed->millis + parsed->span_millis - 1)};
  }

  static Result<Span> NumberSpan(const KqlNode& value) {
    const std::string& text = value.text;
    if (text.empty() || text.size() > 19) {
      return ErrorAt(value.position, "'" + text + "' is not a number");
    }
    uint64_t n = 0;
    for (char c : text) {
      if (c < '0' || c > '9') {
        return ErrorAt(value.position, "'" + text + "' is not a number");
      }
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    return Span{static_cast<double>(n), static_cast<double>(n)};
  }

  // Whether the index has calendar terms for date `slot` in every document (index_schema.h).
  bool HasDateTerms(Xapian::valueno slot) const {
    if (db == nullptr || schema::DateTermPrefix(slot).empty()) {
      return false;
    }
    if (!date_terms) {
      date_terms = db->get_metadata(std::string(schema::kMetaDateTerms)) == "1";
    }
    return *date_terms;
  }

  // Items whose date in `slot` is within [low, high] (UTC millis, inclusive, infinite for an
  // open end), as the OR of the calendar terms inside the range: a whole year's term, else the
  // whole months', else the whole days', and for a day the range cuts, that day's term ANDed
  // with the value range (a time of day in the query), and dates outside years 0-9999 from the
  // value range. Only terms the index holds are walked, so an open end costs no more than the
  // years the archive spans. Boolean: a date restriction
  // never changes a rank, as the value range it replaces did not.
  Xapian::Query DateTermsQuery(Xapian::valueno slot, double low, double high) const {
    const std::string prefix(schema::DateTermPrefix(slot));
    std::vector<Xapian::Query> parts;
    // The UTC millis a calendar term covers, from its digits: "2013", "201306", "20130601".
    const auto bounds = [](const std::string& digits) -> std::pair<double, double> {
      const int year = std::stoi(digits.substr(0, 4));
      if (digits.size() == 4) {
        return {static_cast<double>(UtcFromCivil(year, 1, 1)),
                static_cast<double>(UtcFromCivil(year + 1, 1, 1) - 1)};
      }
      const int month = std::stoi(digits.substr(4, 2));
      if (digits.size() == 6) {
        const UtcMillis next =
            month == 12 ? UtcFromCivil(year + 1, 1, 1) : UtcFromCivil(year, month + 1, 1);
        return {static_cast<double>(UtcFromCivil(year, month, 1)), static_cast<double>(next - 1)};
      }
      const UtcMillis day = UtcFromCivil(year, month, std::stoi(digits.substr(6, 2)));
      return {static_cast<double>(day), static_cast<double>(day + kDayMillis - 1)};
    };
    // Walks the terms under prefix + level + parent digits, descending where the range cuts.
    const std::function<void(char, const std::string&)> walk = [&](char level,
                                                                   const std::string& parent) {
      const std::string under = prefix + level + parent;
      for (auto it = db->allterms_begin(under); it != db->allterms_end(under); ++it) {
        const std::string term = *it;
        const std::string digits = term.substr(prefix.size() + 1);
        const auto [begin, end] = bounds(digits);
        if (end < low || begin > high) {
          continue;
        }
        if (begin >= low && end <= high) {
          parts.emplace_back(term);
        } else if (level == 'Y') {
          walk('M', digits);
        } else if (level == 'M') {
          walk('D', digits);
        } else {
          parts.emplace_back(Xapian::Query::OP_FILTER, Xapian::Query(term),
                             Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot,
                                           Xapian::sortable_serialise(std::max(low, begin)),
                                           Xapian::sortable_serialise(std::min(high, end))));
        }
      }
    };
    walk('Y', "");
    // Dates outside years 0-9999 have no calendar terms (SearchIndex): the value range finds
    // those, and only when the slot's values reach that far (Xapian keeps each slot's bounds),
    // so an archive of ordinary dates never reads a value here.
    const std::string lowest = db->get_value_lower_bound(slot);
    const std::string highest = db->get_value_upper_bound(slot);
    const auto outside = [&](double from, double to) {
      from = std::max(from, low);
      to = std::min(to, high);
      if (lowest.empty() || from > to || Xapian::sortable_unserialise(highest) < from ||
          Xapian::sortable_unserialise(lowest) > to) {
        return;
      }
      parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, slot, Xapian::sortable_serialise(from),
                         Xapian::sortable_serialise(to));
    };
    outside(-kInfinity, static_cast<double>(UtcFromCivil(0, 1, 1)) - 1);
    outside(static_cast<double>(UtcFromCivil(10000, 1, 1)), kInfinity);
    if (parts.empty()) {
      return Xapian::Query::MatchNothing;
    }
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                         Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()), 0.0);
  }

  // Comparisons on a value slot: sent, write, size.
  Result<Xapian::Query> SlotQuery(const PropertyInfo& info, KqlOp op, const KqlNode& value) const {
    const auto span_of = [&](const KqlNode& v) -> Result<Span> {
      if (v.prefix) {
        return ErrorAt(v.position,
                       "wildcards do not apply to property '" + std::string(info.name) + "'");
      }
      return info.kind == PropertyKind::kDate ? DateSpan(v) : NumberSpan(v);
    };
    const Xapian::valueno slot = info.slot;
    const bool calendar = info.kind == PropertyKind::kDate && HasDateTerms(slot);
    const auto ge = [this, slot, calendar](double v) {
      return calendar
                 ? DateTermsQuery(slot, v, kInfinity)
                 : Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, Xapian::sortable_serialise(v));
    };
    const auto le = [this, slot, calendar](double v) {
      return calendar
                 ? DateTermsQuery(slot, -kInfinity, v)
                 : Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, Xapian::sortable_serialise(v));
    };
    const auto range = [this, slot, calendar](const Span& s) {
      return calendar ? DateTermsQuery(slot, s.low, s.high)
                      : Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot,
                                      Xapian::sortable_serialise(s.low),
                                      Xapian::sortable_serialise(s.high));
    };
    if (value.type == KqlNodeType::kRange) {
      KqlNode low = MakeKqlNode(KqlNodeType::kTerm, value.position, value.text);
      KqlNode high = MakeKqlNode(KqlNodeType::kTerm, value.position, value.high);
      DOCKET_ASSIGN_OR_RETURN(Span a, span_of(low));
      DOCKET_ASSIGN_OR_RETURN(Span b, span_of(high));
      return range(Span{a.low, b.high});  // A..B: start of A to the end of B (§2.3)
    }
    DOCKET_ASSIGN_OR_RETURN(Span s, span_of(value));
    switch (op) {
      case KqlOp::kContains:
      case KqlOp::kEquals:
        return range(s);
      case KqlOp::kNotEqual:
        return Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, range(s));
      case KqlOp::kLess:
        return le(s.low - 1);
      case KqlOp::kLessEqual:
        return le(s.high);  // "<= 2013-06-30" includes that whole day
      case KqlOp::kGreater:
        return ge(s.high + 1);
      case KqlOp::kGreaterEqual:
        return ge(s.low);
    }
    return range(s);
  }

  // A term-valued property (text, address, keyword) with a term or phrase value.
  Result<Xapian::Query> TermPropertyQuery(const PropertyInfo& info, const KqlNode& value) const {
    const std::string prefix(info.prefix);
    switch (info.kind) {
      case PropertyKind::kText: {
        std::optional<Xapian::Query> q =
            AnalysedText(value.text, value.prefix, info.prefix, value.type == KqlNodeType::kPhrase);
        return q ? *q : Xapian::Query::MatchNothing;
      }
      case PropertyKind::kAddress: {
        std::string whole = analyzer.NormalizeAddress(value.text);
        if (whole.empty()) {
          return Xapian::Query::MatchNothing;
        }
        if (value.prefix) {
          // "ronnie@contoso*" (quoted or not) is a prefix search that suppresses identity
          // expansion (§2.10).
          return Wildcard(prefix + whole);
        }
        Xapian::Query query = AddressForm(prefix, whole);
        if (options.identities == nullptr) {
          return query;
        }
        // Recipient expansion: the SIP URI a Lync archive recorded and the SMTP address a mail
        // carries are the same person when the directory says so (§2.10).
        std::vector<Xapian::Query> forms{query};
        for (const std::string& form : options.identities->FormsOf(whole)) {
          if (form != whole) {
            forms.push_back(AddressForm(prefix, form));
          }
        }
        if (forms.size() == 1) {
          return query;
        }
        return Xapian::Query(Xapian::Query::OP_OR, forms.begin(), forms.end());
      }
      case PropertyKind::kFileName: {
        std::string whole = analyzer.Normalize(TrimWhitespace(value.text));
        if (whole.empty()) {
          return Xapian::Query::MatchNothing;
        }
        if (value.prefix) {
          return Wildcard(prefix + whole);
        }
        // ".pptx", "annualreport.ppt" or "annual report": the whole name as indexed, or (for a
        // name of several words) all its words in any order.
        Xapian::Query exact(prefix + whole);
        std::vector<AnalyzedToken> tokens = analyzer.Tokenize(whole);
        if (tokens.size() < 2) {
          return exact;
        }
        std::vector<Xapian::Query> words;
        for (const auto& token : tokens) {
          words.emplace_back(prefix + token.term);
        }
        return Xapian::Query(Xapian::Query::OP_OR, exact,
                             Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end()));
      }
      case PropertyKind::kYesNo: {
        const std::string word = analyzer.Normalize(TrimWhitespace(value.text));
        if (value.prefix) {
          return ErrorAt(value.position,
                         "wildcards do not apply to property '" + std::string(info.name) + "'");
        }
        if (word == "true" || word == "yes" || word == "1") {
          return Xapian::Query(prefix + "true");
        }
        if (word == "false" || word == "no" || word == "0") {
          return Xapian::Query(prefix + "false");
        }
        // A typo must not silently return nothing in a compliance search: say what is allowed.
        return ErrorAt(value.position, "property '" + std::string(info.name) +
                                           "' takes true or false, not '" + value.text + "'");
      }
      case PropertyKind::kKeyword: {
        std::string normalized = analyzer.Normalize(value.text);
        if (normalized.empty()) {
          return Xapian::Query::MatchNothing;
        }
        if (value.prefix) {
          return Wildcard(prefix + normalized);
        }
        if (info.name == "kind") {
          std::optional<ItemKind> kind = ParseItemKind(normalized);
          if (!kind) {
            return Xapian::Query::MatchNothing;  // an unknown kind matches nothing, like §1.12
          }
          return Xapian::Query(prefix + std::string(ItemKindName(*kind)));
        }
        if (info.name == "importance") {
          const std::string_view level = ImportanceName(normalized);  // normal -> medium
          if (level.empty()) {
            return Xapian::Query::MatchNothing;
          }
          return Xapian::Query(prefix + std::string(level));
        }
        if (info.name == "fileextension" && normalized.front() == '.') {
          normalized.erase(0, 1);  // ".docx" as users often type it; indexed as "docx"
        }
        return Xapian::Query(prefix + normalized);
      }
      case PropertyKind::kDate:
      case PropertyKind::kNumber:
        break;
    }
    return Xapian::Query::MatchNothing;
  }

  // One normalised address or display name under an address prefix. A display name ("Alice
  // Smith") is indexed as its words, one term each, so its words also match all together.
  Xapian::Query AddressForm(const std::string& prefix, const std::string& form) const {
    Xapian::Query exact(prefix + form);
    if (form.find('@') != std::string::npos) {
      return exact;
    }
    std::vector<AnalyzedToken> tokens = analyzer.Tokenize(form);
    if (tokens.size() < 2) {
      return exact;
    }
    std::vector<Xapian::Query> words;
    for (const auto& token : tokens) {
      words.emplace_back(prefix + token.term);
    }
    return Xapian::Query(Xapian::Query::OP_OR, exact,
                         Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end()));
  }

  Result<Xapian::Query> HasValue(const PropertyInfo& info) const {
    if (info.kind == PropertyKind::kDate || info.kind == PropertyKind::kNumber) {
      // Every stored value is >= "\0"; an empty bound would also match absent values.
      return Xapian::Query(Xapian::Query::OP_VALUE_GE, info.slot, std::string(1, '\0'));
    }
    // Not a typed prefix: "has a value" may span any number of terms, so no limit.
    return Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(info.prefix));
  }

  // `value` is a term, phrase, '*' or range directly after `prop<op>`.
  Result<Xapian::Query> PropertyValue(const PropertyInfo& info, KqlOp op,
                                      const KqlNode& value) const {
    if (info.kind == PropertyKind::kDate || info.kind == PropertyKind::kNumber) {
      if (value.type == KqlNodeType::kMatchAll) {
        return HasValue(info);
      }
      return SlotQuery(info, op, value);
    }
    if (value.type == KqlNodeType::kRange) {
      return ErrorAt(value.position,
                     "a range a..b does not apply to property '" + std::string(info.name) + "'");
    }
    if (op != KqlOp::kContains && op != KqlOp::kEquals && op != KqlOp::kNotEqual) {
      return ErrorAt(value.position, "operator " + std::string(KqlOpSpelling(op)) +
                                         " does not apply to property '" + std::string(info.name) +
                                         "'");
    }
    Xapian::Query q;
    if (value.type == KqlNodeType::kMatchAll) {
      DOCKET_ASSIGN_OR_RETURN(q, HasValue(info));
    } else {
      DOCKET_ASSIGN_OR_RETURN(q, TermPropertyQuery(info, value));
    }
    if (op == KqlOp::kNotEqual) {
      return Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, q);
    }
    return q;
  }

  // ---- the tree ----

  // `field`: the property of an enclosing prop:( ... ) group, or nullptr for free text.
  Result<Built> Node(const KqlNode& node, const PropertyInfo* field) const {
    position = node.position;
    switch (node.type) {
      case KqlNodeType::kTerm:
      case KqlNodeType::kPhrase: {
        if (field != nullptr) {
          DOCKET_ASSIGN_OR_RETURN(Xapian::Query q, PropertyValue(*field, KqlOp::kContains, node));
          return Built{q};
        }
        std::optional<Xapian::Query> q =
            AnalysedText(node.text, node.prefix, {}, node.type == KqlNodeType::kPhrase);
        if (!q) {
          return Neutral();
        }
        return Built{*q};
      }
      case KqlNodeType::kMatchAll: {
        if (field != nullptr) {
          DOCKET_ASSIGN_OR_RETURN(Xapian::Query q, HasValue(*field));
          return Built{q};
        }
        return Built{Xapian::Query::MatchAll};
      }
      case KqlNodeType::kAnd:
        return And(node, field);
      case KqlNodeType::kOr: {
        std::vector<Xapian::Query> parts;
        for (const KqlNode& child : node.children) {
          DOCKET_ASSIGN_OR_RETURN(Built b, Node(child, field));
          if (!b.neutral) {
            parts.push_back(b.query);
          }
        }
        if (parts.empty()) {
          return Neutral();
        }
        if (parts.size() == 1) {
          return Built{parts.front()};
        }
        return Built{Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end())};
      }
      case KqlNodeType::kNot: {
        DOCKET_ASSIGN_OR_RETURN(Built b, Node(node.children.front(), field));
        if (b.neutral) {
          return Neutral();
        }
        return Built{Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, b.query)};
      }
      case KqlNodeType::kProperty:
        return Property(node);
      case KqlNodeType::kRange: {
        if (field != nullptr) {
          DOCKET_ASSIGN_OR_RETURN(Xapian::Query q, PropertyValue(*field, KqlOp::kContains, node));
          return Built{q};
        }
        return ErrorAt(node.position, "a range a..b needs a property");
      }
      case KqlNodeType::kNear:
      case KqlNodeType::kOnear:
        if (field != nullptr) {
          return ErrorAt(node.position,
                         std::string(node.type == KqlNodeType::kNear ? "NEAR" : "ONEAR") +
                             " works on free text only, not inside " + std::string(field->name) +
                             ":(...)");
        }
        return Proximity(node);
      case KqlNodeType::kWords: {
        std::vector<Xapian::Query> parts;
        for (const KqlNode& child : node.children) {
          DOCKET_ASSIGN_OR_RETURN(Built b, Node(child, field));
          if (!b.neutral) {
            parts.push_back(b.query);
          }
        }
        if (parts.empty()) {
          return Neutral();
        }
        // Synonyms: the match set of OR, scored as if they were one term (§2.6).
        return Built{Xapian::Query(Xapian::Query::OP_SYNONYM, parts.begin(), parts.end())};
      }
      case KqlNodeType::kXrank:
        return Xrank(node, field);
    }
    return Status::Internal("unknown KQL node type");
  }

  // ---- NEAR / ONEAR ----

  // One operand of a NEAR: its tokens' queries in order, and, when it has several tokens (a
  // phrase, a CJK word), the phrase query that keeps them adjacent. `loose`: a prefix that
  // cannot take part in the window (no database to expand it against, see below).
  struct NearOperand {
    std::vector<Xapian::Query> terms;
    std::vector<Xapian::Query> extra;  // required alongside the window: phrase, loose prefix
  };

  NearOperand Operand(const KqlNode& node) const {
    position = node.position;
    NearOperand out;
    std::vector<AnalyzedToken> tokens = analyzer.Tokenize(node.text);
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string term = TokenTerm(tokens[i], {});
      if (i + 1 == tokens.size() && node.prefix) {
        // OP_NEAR takes an OR of terms but not OP_WILDCARD (Xapian 1.4): expand it here. With
        // no database (query descriptions only) the prefix is required outside the window.
        if (db != nullptr) {
          out.terms.push_back(ExpandedWildcard(term));
        } else {
          out.extra.push_back(Wildcard(term));
        }
      } else {
        out.terms.emplace_back(term);
      }
    }
    if (tokens.size() > 1) {
      std::optional<Xapian::Query> phrase =
          AnalysedText(node.text, node.prefix, {}, /*quoted=*/true);
      if (phrase) {
        out.extra.push_back(*phrase);
      }
    }
    return out;
  }

  // a NEAR(k) b: both within k intervening tokens, either order; ONEAR: a first. Xapian's
  // window counts positions, so it is k + the number of terms. A chain (a NEAR b NEAR c) is
  // nested to the left and applies pairwise: (a NEAR b) AND (b NEAR c).
  //
  // Approximation: Xapian 1.4 cannot nest OP_PHRASE inside OP_NEAR, so an operand of several
  // tokens ("Swedish meatballs", a CJK word) joins the window token by token and its phrase
  // is required separately (AND): the phrase could in theory be satisfied by a different
  // occurrence than the one inside the window.
  Result<Built> Proximity(const KqlNode& node) const {
    std::vector<Xapian::Query> pairs;
    const KqlNode* current = &node;
    while (current->type == KqlNodeType::kNear || current->type == KqlNodeType::kOnear) {
      const KqlNode& left = current->children[0];
      const KqlNode& left_term =
          (left.type == KqlNodeType::kNear || left.type == KqlNodeType::kOnear) ? left.children[1]
                                                                                : left;
      NearOperand a = Operand(left_term);
      NearOperand b = Operand(current->children[1]);
      std::vector<Xapian::Query> parts;
      std::vector<Xapian::Query> window = a.terms;
      window.insert(window.end(), b.terms.begin(), b.terms.end());
      const bool empty_term = std::any_of(window.begin(), window.end(),
                                          [](const Xapian::Query& q) { return q.empty(); });
      if (empty_term) {
        parts.push_back(Xapian::Query::MatchNothing);  // a prefix that matches no word
      } else if (a.terms.empty() || b.terms.empty()) {
        // A side of only punctuation (or a bare prefix without a database) has no position
        // to be near: what remains is required on its own.
        parts = window;
      } else {
        const auto op = current->type == KqlNodeType::kOnear ? Xapian::Query::OP_PHRASE
                                                             : Xapian::Query::OP_NEAR;
        const auto size = static_cast<Xapian::termcount>(current->distance) +
                          static_cast<Xapian::termcount>(window.size());
        parts.emplace_back(op, window.begin(), window.end(), size);
      }
      if (!empty_term) {
        parts.insert(parts.end(), a.extra.begin(), a.extra.end());
        parts.insert(parts.end(), b.extra.begin(), b.extra.end());
      }
      pairs.insert(pairs.begin(), parts.begin(), parts.end());  // left to right when read
      current = &left;
    }
    if (pairs.empty()) {
      return Neutral();
    }
    if (pairs.size() == 1) {
      return Built{pairs.front()};
    }
    return Built{Xapian::Query(Xapian::Query::OP_AND, pairs.begin(), pairs.end())};
  }

  // ---- XRANK ----

  // <match> XRANK(...) <rank> matches exactly what <match> does; items also matching <rank> get
  // the rank part's weight scaled by the boost added (OP_AND_MAYBE + OP_SCALE_WEIGHT).
  //
  // How SharePoint's parameters map onto that: cb is the scale factor. nb, rb, pb, avgb and
  // stdb boost relative to the statistics of the ranked results (normalised, range,
  // percentage, average, standard deviation of the rank scores), which are not known when the
  // query is built; each is added to cb as a constant boost of the same size, so the sign and
  // relative strength of an XRANK are kept. n (how many results the statistics come from) has
  // nothing to apply to and is ignored. A negative total boosts the matches that do *not*
  // match <rank> instead (Xapian weights cannot be negative), which demotes the others.
  Result<Built> Xrank(const KqlNode& node, const PropertyInfo* field) const {
    DOCKET_ASSIGN_OR_RETURN(Built match, Node(node.children[0], field));
    DOCKET_ASSIGN_OR_RETURN(Built rank, Node(node.children[1], field));
    const KqlXrankParams& p = node.xrank;
    const double boost = p.cb + p.nb + p.rb + p.pb + p.avgb + p.stdb;
    if (match.neutral || rank.neutral || boost == 0) {
      return match;
    }
    Xapian::Query boosted =
        boost > 0 ? rank.query : Xapian::Query(Xapian::Query::OP_AND_NOT, match.query, rank.query);
    return Built{
        Xapian::Query(Xapian::Query::OP_AND_MAYBE, match.query,
                      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, boosted, std::fabs(boost)))};
  }

  // AND(a, b, NOT c, NOT d) -> (a AND b) AND_NOT (c OR d); with no positives, MatchAll.
  Result<Built> And(const KqlNode& node, const PropertyInfo* field) const {
    std::vector<Xapian::Query> positives;
    std::vector<Xapian::Query> negatives;
    for (const KqlNode& child : node.children) {
      const bool negated = child.type == KqlNodeType::kNot;
      DOCKET_ASSIGN_OR_RETURN(Built b, Node(negated ? child.children.front() : child, field));
      if (b.neutral) {
        continue;
      }
      (negated ? negatives : positives).push_back(b.query);
    }
    if (positives.empty() && negatives.empty()) {
      return Neutral();
    }
    Xapian::Query query =
        positives.empty() ? Xapian::Query::MatchAll
        : positives.size() == 1
            ? positives.front()
            : Xapian::Query(Xapian::Query::OP_AND, positives.begin(), positives.end());
    if (!negatives.empty()) {
      Xapian::Query excluded =
          negatives.size() == 1
              ? negatives.front()
              : Xapian::Query(Xapian::Query::OP_OR, negatives.begin(), negatives.end());
      query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, excluded);
    }
    return Built{query};
  }

  Result<Built> Property(const KqlNode& node) const {
    std::optional<PropertyInfo> info = properties.Find(node.text);
    if (!info) {
      return Built{Xapian::Query::MatchNothing};  // unknown property: no error, no match
    }
    const KqlNode& value = node.children.front();
    switch (value.type) {
      case KqlNodeType::kTerm:
      case KqlNodeType::kPhrase:
      case KqlNodeType::kMatchAll:
      case KqlNodeType::kRange: {
        DOCKET_ASSIGN_OR_RETURN(Xapian::Query q, PropertyValue(*info, node.op, value));
        return Built{q};
      }
      default:
        break;
    }
    // prop:(expr): the property applies to every term of the group (§2.3).
    if (node.op != KqlOp::kContains) {
      return ErrorAt(value.position, "a group prop:(...) needs the operator ':'");
    }
    DOCKET_ASSIGN_OR_RETURN(Built b, Node(value, &*info));
    if (b.neutral) {
      return Built{Xapian::Query::MatchNothing};
    }
    return b;
  }
};

KqlToXapian::KqlToXapian(const PropertyMap& properties, TextAnalyzer& analyzer,
                         const KqlPlanOptions& options)
    : properties_(properties), analyzer_(analyzer), options_(options) {}

std::vector<std::string> IndexLanguages(const Xapian::Database& db) {
  std::vector<std::string> languages;
  const std::string prefix(schema::kPrefixLanguage);
  for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
    languages.push_back((*it).substr(prefix.size()));
  }
  return languages;
}

Status KqlToXapian::Build(const KqlNode& ast, Xapian::Query* out) {
  Impl impl{properties_, analyzer_, options_, db_, options_.stem_languages};
  try {
    if (db_ != nullptr && options_.enable_stemming) {
      impl.stem_languages = IndexLanguages(*db_);
    }
    Result<Built> built = impl.Node(ast, nullptr);
    if (!built.ok()) {
      return built.error();
    }
    DOCKET_RETURN_IF_ERROR(impl.error);
    // A query of nothing but punctuation names no terms: it matches nothing.
    *out = built->neutral ? Xapian::Query::MatchNothing : built->query;
    return Status::OK();
  } catch (const Xapian::DatabaseModifiedError&) {
    throw;  // the searcher reopens the database and plans again
  } catch (const Xapian::Error& e) {
    return Status::Internal("building the search query: " + e.get_description());
  }
}

Result<std::string> QueryDescription(std::string_view kql, TextAnalyzer& analyzer,
                                     const KqlPlanOptions& options) {
  DOCKET_ASSIGN_OR_RETURN(KqlNode ast, ParseKql(kql));
  KqlToXapian planner(PropertyMap::Default(), analyzer, options);
  Xapian::Query query;
  DOCKET_RETURN_IF_ERROR(planner.Build(ast, &query));
  try {
    return query.get_description();
  } catch (const Xapian::Error& e) {
    return Status::Internal("describing the search query: " + e.get_description());
  }
}

}  // namespace docket
