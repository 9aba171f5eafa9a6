/** @file
 *  @brief The option words of `docket export` and POST /api/exports, and the checks made before
 *  an export starts.
 */
#include "export/export_options.h"

#include <array>
#include <string>
#include <utility>

namespace docket {
namespace {

template <typename Enum, size_t N>
Result<Enum> ParseWord(std::string_view word,
                       const std::array<std::pair<std::string_view, Enum>, N>& words,
                       std::string_view option) {
  std::string accepted;
  for (const auto& [name, value] : words) {
    if (word == name) {
      return value;
    }
    accepted += accepted.empty() ? "" : ", ";
    accepted += name;
  }
  return Status::InvalidArgument("--" + std::string(option) + " '" + std::string(word) +
                                 "' is not one of: " + accepted);
}

constexpr std::array<std::pair<std::string_view, ExportInclude>, 3> kIncludeWords{{
    {"indexed", ExportInclude::kIndexed},
    {"all", ExportInclude::kAll},
    {"unindexed", ExportInclude::kUnindexed},
}};
constexpr std::array<std::pair<std::string_view, ExportDedupe>, 3> kDedupeWords{{
    {"none", ExportDedupe::kNone},
    {"global", ExportDedupe::kGlobal},
    {"custodian", ExportDedupe::kCustodian},
}};
constexpr std::array<std::pair<std::string_view, ExportFamilies>, 2> kFamiliesWords{{
    {"include", ExportFamilies::kInclude},
    {"exclude", ExportFamilies::kExclude},
}};

template <typename Enum, size_t N>
std::string_view NameOf(Enum value, const std::array<std::pair<std::string_view, Enum>, N>& words) {
  for (const auto& [name, candidate] : words) {
    if (candidate == value) {
      return name;
    }
  }
  return "?";
}

}  // namespace

std::string_view ExportIncludeName(ExportInclude include) { return NameOf(include, kIncludeWords); }
std::string_view ExportDedupeName(ExportDedupe dedupe) { return NameOf(dedupe, kDedupeWords); }
std::string_view ExportFamiliesName(ExportFamilies families) {
  return NameOf(families, kFamiliesWords);
}

Result<ExportInclude> ParseExportInclude(std::string_view word) {
  return ParseWord(word, kIncludeWords, "include");
}
Result<ExportDedupe> ParseExportDedupe(std::string_view word) {
  return ParseWord(word, kDedupeWords, "dedupe");
}
Result<ExportFamilies> ParseExportFamilies(std::string_view word) {
  return ParseWord(word, kFamiliesWords, "families");
}

Status ValidateExportOptions(const ExportOptions& options) {
  if (options.query.empty() && options.include != ExportInclude::kUnindexed) {
    return Status::InvalidArgument(
        "an export needs a query (--query KQL); only --include unindexed runs without one");
  }
  if (options.bates_prefix.size() > 32) {
    return Status::InvalidArgument("the Bates prefix is longer than 32 characters");
  }
  for (char c : options.bates_prefix) {
    // Control numbers become file names and load-file values: no separators, quotes or spaces.
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!allowed) {
      return Status::InvalidArgument("the Bates prefix '" + options.bates_prefix +
                                     "' may only hold letters, digits, '-', '_' and '.'");
    }
  }
  if (options.bates_digits < 1 || options.bates_digits > 18) {
    return Status::InvalidArgument("Bates digits must be from 1 to 18, not " +
                                   std::to_string(options.bates_digits));
  }
  uint64_t largest = 1;
  for (uint32_t i = 0; i < options.bates_digits; ++i) {
    largest *= 10;
  }
  if (options.bates_start >= largest) {
    return Status::InvalidArgument("Bates start " + std::to_string(options.bates_start) +
                                   " does not fit in " + std::to_string(options.bates_digits) +
                                   " digits");
  }
  if (options.out.empty() || options.out.extension() != ".zip") {
    return Status::InvalidArgument("the package must be a .zip file (--out FILE.zip), not '" +
                                   options.out.string() + "'");
  }
  return Status::OK();
}

}  // namespace docket
