/** @file
 *  @brief The identity directory: which SMTP addresses, SIP URIs and display names are one person.
 *
 *  Lync archives record people by SIP URI ("sip:alice.w@contoso.com"), mail by SMTP address
 *  ("alice@contoso.com"); for a custodian search they must be the same person
 *  (sharepoint-search.md §2.10, recipient expansion). `docket directory import` reads a CSV
 *  export of the directory into the DocStore; the query planner asks an IdentityResolver for every
 *  form of the identity a recipient value names, at query time, so the order of directory import
 *  and ingest does not matter. Free of RocksDB and Xapian.
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace docket {

class DocStore;
class TextAnalyzer;

/// Given a recipient-property value normalised with TextAnalyzer::NormalizeAddress, every
/// normalised form of the identity (or identities, for a shared display name) it names: SMTP
/// addresses, SIP addresses (without "sip:") and display names. Empty when the directory does not
/// know the value. Implementations must be safe to call from the thread that plans the query.
class IdentityResolver {
 public:
  virtual ~IdentityResolver() = default;
  virtual std::vector<std::string> FormsOf(std::string_view normalized_value) const = 0;
};

/// One directory row, as given in the CSV (not normalised).
struct DirectoryEntry {
  std::string display_name;
  std::string smtp;
  std::string sip;
};

struct DirectoryCsv {
  std::vector<DirectoryEntry> entries;
  // "line 7: no SmtpAddress or SipAddress; row skipped", one per bad row.
  std::vector<std::string> problems;
};

/// Parses a directory CSV: a header row naming DisplayName, SmtpAddress and SipAddress in any
/// order (case-insensitive; further columns are ignored; "PrimarySmtpAddress", "EmailAddress"
/// and "SipUri" are accepted too), UTF-8 with or without a BOM, RFC 4180 quoting (commas, quotes
/// and line breaks inside quoted fields). InvalidArgument when the header names no address
/// column. A row with no address is a problem, not a failure.
Result<DirectoryCsv> ParseDirectoryCsv(std::string_view text);

/// Stores `entries` in the DocStore's identity key space, merging with what is there: an
/// address already known joins the new forms to its identity. Returns how many identities
/// (entries) were stored. The store must be writable.
Result<size_t> ImportDirectory(DocStore& store, const std::vector<DirectoryEntry>& entries,
                               TextAnalyzer& analyzer);

/// An IdentityResolver reading the DocStore's identity key space. `store` must outlive it.
class StoreIdentityResolver final : public IdentityResolver {
 public:
  explicit StoreIdentityResolver(const DocStore& store) : store_(store) {}
  std::vector<std::string> FormsOf(std::string_view normalized_value) const override;

 private:
  const DocStore& store_;
};

}  // namespace docket
