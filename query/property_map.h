/** @file
 *  @brief Managed properties users can restrict on in KQL, and where each lives in the index.
 *
 *  Maps a property name (case-insensitive, with aliases such as title -> subject) to a kind and
 *  a term prefix or value slot from storage/index_schema.h; no prefix is spelled here. Free of
 *  <xapian.h>.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

enum class PropertyKind {
  kText,      // analysed words under a prefix, positional (subject/title)
  kAddress,   // TextAnalyzer::AddressTerms under a prefix (from, to, participants)
  kKeyword,   // one exact term per value under a prefix (kind, custodian)
  kDate,      // UtcMillis in a value slot
  kNumber,    // an integer in a value slot (size)
  kFileName,  // file names: whole lower-cased name, its words and ".ext" (attachmentnames)
  kYesNo,     // one term "true" or "false" (hasattachment); values true/false, yes/no, 1/0
};

struct PropertyInfo {
  std::string_view name;  // canonical lower-case name: "subject" for both subject: and title:
  PropertyKind kind = PropertyKind::kText;
  std::string_view prefix;  // term prefix (kText, kAddress, kKeyword)
  uint32_t slot = 0;        // value slot (kDate, kNumber)
};

class PropertyMap {
 public:
  /// The properties Docket indexes (sharepoint-search.md §2.10): from, to, cc, bcc, recipients,
  /// participants, author, subject (title), attachmentnames (attachment), filename,
  /// fileextension, kind, custodian, detectedlanguage, importance, itemclass, hasattachment,
  /// sent, received, size, write (lastmodifiedtime).
  static const PropertyMap& Default();

  /// Case-insensitive lookup; nullopt for a property the index does not know (such a
  /// restriction matches nothing, sharepoint-search.md §1.12).
  std::optional<PropertyInfo> Find(std::string_view name) const;

  /// Sortable properties: "Sent", "Received", "Size", "Write"/"LastModifiedTime" -> value slot.
  std::optional<uint32_t> SortSlot(std::string_view name) const;

 private:
  struct Entry {
    std::string_view alias;  // lower case
    PropertyInfo info;
  };
  std::vector<Entry> entries_;
};

}  // namespace docket
