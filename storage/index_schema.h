/** @file
 *  @brief The Xapian schema: term prefixes and value slots, the single source of truth.
 *
 *  Follows Omega's conventions (xapian-omega/docs/termprefixes.rst): single capitals for the
 *  standard fields, "X..." for our own. Both the indexer (storage/search_index.cc) and the query
 *  side (query/kql_to_xapian.cc) read these names; neither spells a prefix itself.
 *  This header stays free of <xapian.h>.
 */
#pragma once

#include <cstdint>
#include <string_view>

namespace docket::schema {

// Unique id term: "Q" + decimal item id. replace_document(term) makes replay idempotent.
inline constexpr std::string_view kPrefixItemId = "Q";
// Subject / title words (positional, also indexed unprefixed so free text finds them).
inline constexpr std::string_view kPrefixSubject = "S";
// The word with its diacritics ("résumé"), at the position of its folded form ("resume"), only
// where the two differ: what an accent-sensitive search matches (TextAnalyzer, AnalyzedToken).
inline constexpr std::string_view kPrefixExact = "XA";
// Snowball stem of a body or title word in the item's DetectedLanguage, only where it differs
// from the word (Omega's "Z"). Unpositioned: stems widen single words, never phrases.
inline constexpr std::string_view kPrefixStem = "Z";
// Address fields. Each address is indexed as the whole normalised address, its local part,
// its domain, and the words of a display name when there is one.
inline constexpr std::string_view kPrefixFrom = "XFROM";
inline constexpr std::string_view kPrefixTo = "XTO";
inline constexpr std::string_view kPrefixParticipant = "XPART";  // from ∪ to ∪ cc ∪ bcc ∪ IM
inline constexpr std::string_view kPrefixCc = "XCC";
inline constexpr std::string_view kPrefixBcc = "XBCC";
inline constexpr std::string_view kPrefixRecipient = "XRCPT";  // to ∪ cc ∪ bcc
// Document author, else the sender: its address terms and, for a bare name, its words.
inline constexpr std::string_view kPrefixAuthor = "XAUTHOR";
// File names: the whole lower-cased name ("annual report.pptx"), its words ("annual", "report",
// "pptx") and its extension with the dot (".pptx"), so `attachmentnames:annual*` and
// `attachmentnames:.pptx` both match.
inline constexpr std::string_view kPrefixAttachmentName = "XATT";
inline constexpr std::string_view kPrefixFileName = "XFNAME";
// Boolean filters.
inline constexpr std::string_view kPrefixKind = "XKIND";          // ItemKindName()
inline constexpr std::string_view kPrefixCustodian = "XCUST";     // normalised custodian name
inline constexpr std::string_view kPrefixIndexState = "XSTATE";   // IndexStateName()
inline constexpr std::string_view kPrefixFileExtension = "XEXT";  // "eml", "docx", ...
inline constexpr std::string_view kPrefixLanguage = "XLANG";      // DetectedLanguage, lower case
inline constexpr std::string_view kPrefixImportance = "XIMP";   // ImportanceName(), default medium
inline constexpr std::string_view kPrefixItemClass = "XCLASS";  // normalised MAPI message class
inline constexpr std::string_view kPrefixHasAttachment = "XHASATT";  // "true" / "false"

// Calendar terms of the three dates (UTC), beside their value slots: the prefix, then "Y2013",
// "M201306" or "D20130601". A date range is the OR of the whole years, months and days inside
// it (Omega's D/M/Y terms), so `eine AND sent>=2013-06-01 AND sent<=2013-06-30` intersects
// two posting lists instead of reading the date of every item (query/kql_to_xapian.cc).
inline constexpr std::string_view kPrefixSentDate = "XDS";
inline constexpr std::string_view kPrefixReceivedDate = "XDR";
inline constexpr std::string_view kPrefixLastActivityDate = "XDW";

// Value slots (sortable_serialise'd numbers unless noted).
enum ValueSlot : uint32_t {
  kSlotSent = 0,          // UtcMillis of the item's sent/start time
  kSlotSize = 1,          // native bytes
  kSlotLastActivity = 2,  // UtcMillis of the last message (SharePoint Write)
  kSlotLanguage = 3,      // DetectedLanguage code as a plain string (refiners)
  kSlotReceived = 4,      // UtcMillis the message reached the mailbox; = sent for IM, meetings
  // Hex SHA-256 of the native as a plain string: the collapse key of TrimDuplicates (REST).
  kSlotSha256 = 8,
  // The document's terms under kRefinablePrefixes, joined by '\x1f': string refiners count
  // them from this one value instead of decoding each hit's whole term list.
  kSlotRefinerTerms = 9,
};

// The prefixes whose terms kSlotRefinerTerms repeats (the string refiners of query/refiners.cc).
inline constexpr std::string_view kRefinablePrefixes[] = {
    kPrefixKind, kPrefixCustodian, kPrefixLanguage, kPrefixFileExtension, kPrefixFrom};

// The calendar-term prefix of a date slot, or empty for a slot without terms.
constexpr std::string_view DateTermPrefix(uint32_t slot) {
  switch (slot) {
    case kSlotSent:
      return kPrefixSentDate;
    case kSlotReceived:
      return kPrefixReceivedDate;
    case kSlotLastActivity:
      return kPrefixLastActivityDate;
    default:
      return {};
  }
}

// Xapian metadata key, "1" when every document of the index has its calendar terms: set when
// an index is created, so an index made before the terms existed keeps using value ranges.
inline constexpr std::string_view kMetaDateTerms = "docket.date_terms";

// Xapian metadata key holding the last DocStore sequence applied to this index (decimal).
inline constexpr std::string_view kMetaAppliedSeq = "docket.applied_seq";

// Position gap between fields so that a phrase never matches across a field boundary.
inline constexpr uint32_t kFieldPositionGap = 100;

}  // namespace docket::schema
