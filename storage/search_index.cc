/** @file
 *  @brief Xapian documents built from items; the only storage TU that includes <xapian.h>.
 *
 *  Document layout (storage/index_schema.h names every prefix and slot):
 *    data            decimal item id (cells come from the DocStore, the truth)
 *    Q<id>           unique id, so Apply() replaces and replay is idempotent
 *    title words     unprefixed and S-prefixed at the same positions
 *    body words      unprefixed, after a position gap (phrases never span fields)
 *    XA<exact>       a title or body word with its diacritics, where folding changed it
 *    variants        Hangul prefixes, words inside SE Asian compounds (AnalyzedToken::variants),
 *                    at the word's position
 *    Z<stem>         Snowball stem in the DetectedLanguage, where it differs (no position)
 *    XLANG + slot 3  DetectedLanguage
 *    file name words unprefixed, after another gap (keeps unindexed items findable by name)
 *    XFROM/XTO/XPART TextAnalyzer::AddressTerms of each address
 *    XKIND XCUST XSTATE XEXT  boolean filters
 *    slots           sent, size, last activity (sortable_serialise)
 */
#include "storage/search_index.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "storage/index_schema.h"
#include "storage/language_detector.h"
#include "storage/text_analyzer.h"

namespace docket {
namespace {

constexpr size_t kXapianMaxTermBytes = 245;

void AddTerm(Xapian::Document* doc, std::string_view prefix, const std::string& term) {
  if (term.empty() || prefix.size() + term.size() > kXapianMaxTermBytes) {
    return;
  }
  doc->add_term(std::string(prefix) + term);
}

void AddPosting(Xapian::Document* doc, std::string_view prefix, const std::string& term,
                Xapian::termpos pos) {
  if (term.empty() || prefix.size() + term.size() > kXapianMaxTermBytes) {
    return;
  }
  doc->add_posting(std::string(prefix) + term, pos);
}

void AddBoolean(Xapian::Document* doc, std::string_view prefix, const std::string& term) {
  if (term.empty() || prefix.size() + term.size() > kXapianMaxTermBytes) {
    return;
  }
  doc->add_boolean_term(std::string(prefix) + term);
}

// Adds the analysed words of `text` starting at *pos; optional second prefix at the same
// positions (title words are also S-prefixed).
void AddText(Xapian::Document* doc, TextAnalyzer& analyzer, std::string_view text,
             Xapian::termpos* pos, const std::string& language, std::string_view also_prefix = {}) {
  const auto add = [&](const std::string& term) {
    if (term.size() > kXapianMaxTermBytes - 8) {
      return;
    }
    doc->add_posting(term, *pos);
    if (!also_prefix.empty()) {
      doc->add_posting(std::string(also_prefix) + term, *pos);
    }
  };
  for (const auto& token : analyzer.Tokenize(text)) {
    ++*pos;
    add(token.term);
    for (const std::string& prefix : token.variants) {
      add(prefix);
    }
    if (!token.exact.empty()) {
      AddPosting(doc, schema::kPrefixExact, token.exact, *pos);
    }
    if (!language.empty() && token.stemmable()) {
      const std::string stem = StemWord(language, token.term);
      if (!stem.empty() && stem != token.term) {
        AddTerm(doc, schema::kPrefixStem, stem);
      }
    }
  }
  *pos += schema::kFieldPositionGap;
}

}  // namespace

std::string DetectItemLanguage(const Item& item) {
  if (!IsSearchable(item)) {
    return {};
  }
  if (item.title.empty()) {
    return DetectLanguage(item.text);
  }
  return DetectLanguage(item.title + "\n" + item.text);
}

bool IsSearchable(const Item& item) {
  switch (item.kind) {
    case ItemKind::kImMessage:
    case ItemKind::kAttachment:
      return item.state == IndexState::kUnindexed;  // otherwise folded into the parent
    case ItemKind::kContainer:
      return item.state != IndexState::kIndexed;  // a damaged archive must stay findable
    default:
      return true;
  }
}

struct SearchIndex::Impl {
  Xapian::WritableDatabase db;
};

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SearchIndex::~SearchIndex() {
  try {
    impl_->db.close();  // uncommitted changes are discarded; the log replays them
  } catch (const Xapian::Error&) {
    // Closing can only fail on I/O; nothing more can be done in a destructor.
  }
}

Result<std::unique_ptr<SearchIndex>> SearchIndex::OpenWritable(const std::filesystem::path& dir) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->db = Xapian::WritableDatabase(dir.string(), Xapian::DB_CREATE_OR_OPEN);
    return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
  } catch (const Xapian::DatabaseLockError& e) {
    return Status::IOError("the search index at " + dir.string() +
                           " is in use by another writer: " + e.get_msg());
  } catch (const Xapian::Error& e) {
    return Status::IOError("opening search index " + dir.string() + ": " + e.get_description());
  }
}

struct PreparedDocument::Impl {
  Xapian::Document doc;
};

PreparedDocument::PreparedDocument() = default;
PreparedDocument::~PreparedDocument() = default;
PreparedDocument::PreparedDocument(PreparedDocument&&) noexcept = default;
PreparedDocument& PreparedDocument::operator=(PreparedDocument&&) noexcept = default;

PreparedDocument SearchIndex::Prepare(const Item& item, TextAnalyzer& analyzer) {
  PreparedDocument prepared;
  if (!IsSearchable(item)) {
    return prepared;
  }
  prepared.impl_ = std::make_unique<PreparedDocument::Impl>();
  Xapian::Document& doc = prepared.impl_->doc;
  Xapian::termpos pos = 0;
  // Items stored before languages were detected, or written without the indexer, get theirs
  // here; detection is deterministic, so replaying them gives the same document.
  const std::string language = item.language.empty() ? DetectItemLanguage(item) : item.language;
  AddText(&doc, analyzer, item.title, &pos, language, schema::kPrefixSubject);
  AddText(&doc, analyzer, item.text, &pos, language);
  AddText(&doc, analyzer, item.file_name, &pos, {});
  if (!language.empty()) {
    std::string code = language;
    std::transform(code.begin(), code.end(), code.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    AddBoolean(&doc, schema::kPrefixLanguage, code);
    doc.add_value(schema::kSlotLanguage, language);
  }

  for (const auto& term : analyzer.AddressTerms(item.from)) {
    AddTerm(&doc, schema::kPrefixFrom, term);
    AddTerm(&doc, schema::kPrefixParticipant, term);
  }
  for (const auto& to : item.to) {
    for (const auto& term : analyzer.AddressTerms(to)) {
      AddTerm(&doc, schema::kPrefixTo, term);
      AddTerm(&doc, schema::kPrefixParticipant, term);
    }
  }
  for (const auto& participant : item.participants) {
    for (const auto& term : analyzer.AddressTerms(participant)) {
      AddTerm(&doc, schema::kPrefixParticipant, term);
    }
  }
  AddBoolean(&doc, schema::kPrefixKind, std::string(ItemKindName(item.kind)));
  AddBoolean(&doc, schema::kPrefixIndexState, std::string(IndexStateName(item.state)));
  if (!item.custodian.empty()) {
    AddBoolean(&doc, schema::kPrefixCustodian, analyzer.Normalize(item.custodian));
  }
  for (const auto& custodian : item.custodians) {
    AddBoolean(&doc, schema::kPrefixCustodian, analyzer.Normalize(custodian));
  }
  AddBoolean(&doc, schema::kPrefixFileExtension, FileExtension(item.file_name));

  // An unknown date gets no value at all, so `sent<2013-01-01` does not match it.
  if (item.sent != 0) {
    doc.add_value(schema::kSlotSent, Xapian::sortable_serialise(static_cast<double>(item.sent)));
  }
  doc.add_value(schema::kSlotSize, Xapian::sortable_serialise(static_cast<double>(item.size)));
  if (!item.sha256.empty()) {
    doc.add_value(schema::kSlotSha256, item.sha256);
  }
  if (const UtcMillis last = item.last_activity != 0 ? item.last_activity : item.sent; last != 0) {
    doc.add_value(schema::kSlotLastActivity, Xapian::sortable_serialise(static_cast<double>(last)));
  }
  return prepared;
}

Status SearchIndex::Apply(ItemId id, PreparedDocument document) {
  if (document.empty()) {
    return Delete(id);
  }
  try {
    Xapian::Document& doc = document.impl_->doc;
    const std::string id_term = std::string(schema::kPrefixItemId) + std::to_string(id);
    doc.set_data(std::to_string(id));
    doc.add_boolean_term(id_term);
    impl_->db.replace_document(id_term, doc);
    return Status::OK();
  } catch (const Xapian::Error& e) {
    return Status::IOError("indexing item " + std::to_string(id) + ": " + e.get_description());
  }
}

Status SearchIndex::Delete(ItemId id) {
  try {
    impl_->db.delete_document(std::string(schema::kPrefixItemId) + std::to_string(id));
    return Status::OK();
  } catch (const Xapian::Error& e) {
    return Status::IOError("deleting item " + std::to_string(id) +
                           " from the search index: " + e.get_description());
  }
}

Status SearchIndex::Commit(uint64_t applied_seq) {
  try {
    impl_->db.set_metadata(std::string(schema::kMetaAppliedSeq), std::to_string(applied_seq));
    impl_->db.commit();
    return Status::OK();
  } catch (const Xapian::Error& e) {
    return Status::IOError("committing the search index: " + e.get_description());
  }
}

uint64_t SearchIndex::applied_seq() const {
  try {
    const std::string value = impl_->db.get_metadata(std::string(schema::kMetaAppliedSeq));
    return value.empty() ? 0 : std::stoull(value);
  } catch (const std::exception&) {
    return 0;  // unreadable metadata: replay everything, which is always safe
  }
}

uint64_t SearchIndex::document_count() const { return impl_->db.get_doccount(); }

}  // namespace docket
