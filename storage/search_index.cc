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
 *    XFROM/XTO/XCC/XBCC/XRCPT/XPART/XAUTHOR  TextAnalyzer::AddressTerms of each address
 *    XATT/XFNAME     attachment and file names: whole name, words, ".ext"
 *    XKIND XCUST XSTATE XEXT XIMP XCLASS XHASATT  boolean filters
 *    slots           sent, size, last activity, received (sortable_serialise)
 */
#include "storage/search_index.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <initializer_list>

#include "common/strings.h"
#include "common/time_util.h"
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

// The calendar terms of a known date (schema::kPrefixSentDate). Years outside 0-9999 get none
// (the terms are fixed-width); the planner finds those dates from the value slot instead.
void AddDateTerms(Xapian::Document* doc, std::string_view prefix, UtcMillis millis) {
  const CivilDate date = CivilDateOf(millis);
  if (millis == 0 || date.year < 0 || date.year > 9999) {
    return;
  }
  char year[40];  // room for any int, so the compiler can see nothing is cut
  char month[40];
  char day[40];
  std::snprintf(year, sizeof year, "Y%04d", date.year);
  std::snprintf(month, sizeof month, "M%04d%02d", date.year, date.month);
  std::snprintf(day, sizeof day, "D%04d%02d%02d", date.year, date.month, date.day);
  AddBoolean(doc, prefix, year);
  AddBoolean(doc, prefix, month);
  AddBoolean(doc, prefix, day);
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

void AddAddress(Xapian::Document* doc, TextAnalyzer& analyzer, std::string_view address,
                std::initializer_list<std::string_view> prefixes) {
  for (const auto& term : analyzer.AddressTerms(address)) {
    for (std::string_view prefix : prefixes) {
      AddTerm(doc, prefix, term);
    }
  }
}

// A file name as `attachmentnames:` / `filename:` match it: the whole name, each word, and the
// extension with its dot. Exchange matches ".pptx" as an extension, not as a word.
void AddName(Xapian::Document* doc, TextAnalyzer& analyzer, std::string_view name,
             std::string_view prefix) {
  AddTerm(doc, prefix, analyzer.Normalize(name));
  const std::string ext = FileExtension(name);
  std::string_view stem = name;
  if (!ext.empty()) {
    stem.remove_suffix(ext.size() + 1);
    AddTerm(doc, prefix, "." + analyzer.Normalize(ext));
    AddTerm(doc, prefix, analyzer.Normalize(ext));
  }
  // ICU keeps "Report.pptx" and "q3_budget" as one word; split on the usual name separators
  // first so that `attachmentnames:report` finds "Annual Report.pptx".
  size_t begin = 0;
  for (size_t i = 0; i <= stem.size(); ++i) {
    if (i == stem.size() || stem[i] == '.' || stem[i] == '_' || stem[i] == '-') {
      for (const auto& token : analyzer.Tokenize(stem.substr(begin, i - begin))) {
        AddTerm(doc, prefix, token.term);
      }
      begin = i + 1;
    }
  }
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
    // A new index holds only documents with calendar terms; one made before them never gets
    // the mark, whatever is added later (index_schema.h).
    if (impl->db.get_doccount() == 0 &&
        impl->db.get_metadata(std::string(schema::kMetaDateTerms)).empty()) {
      impl->db.set_metadata(std::string(schema::kMetaDateTerms), "1");
    }
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

  AddAddress(&doc, analyzer, item.from, {schema::kPrefixFrom, schema::kPrefixParticipant});
  for (const auto& to : item.to) {
    AddAddress(&doc, analyzer, to,
               {schema::kPrefixTo, schema::kPrefixRecipient, schema::kPrefixParticipant});
  }
  for (const auto& cc : item.cc) {
    AddAddress(&doc, analyzer, cc,
               {schema::kPrefixCc, schema::kPrefixRecipient, schema::kPrefixParticipant});
  }
  for (const auto& bcc : item.bcc) {
    AddAddress(&doc, analyzer, bcc,
               {schema::kPrefixBcc, schema::kPrefixRecipient, schema::kPrefixParticipant});
  }
  for (const auto& participant : item.participants) {
    AddAddress(&doc, analyzer, participant, {schema::kPrefixParticipant});
  }
  // Author: the document's own author, else whoever sent or organised the item.
  const std::string& author = item.author.empty() ? item.from : item.author;
  AddAddress(&doc, analyzer, author, {schema::kPrefixAuthor});
  if (author.find('@') == std::string::npos) {
    // A bare name from document metadata ("Alice Smith") has no "Name <address>" shape, so
    // AddressTerms gives only the whole name; its words make `author:smith` work too.
    for (const auto& token : analyzer.Tokenize(author)) {
      AddTerm(&doc, schema::kPrefixAuthor, token.term);
    }
  }
  for (const auto& name : item.attachment_names) {
    AddName(&doc, analyzer, name, schema::kPrefixAttachmentName);
  }
  if (!item.file_name.empty()) {
    AddName(&doc, analyzer, item.file_name, schema::kPrefixFileName);
  }
  const std::string_view importance = ImportanceName(item.importance);
  AddBoolean(&doc, schema::kPrefixImportance,
             std::string(importance.empty() ? "medium" : importance));
  if (!item.item_class.empty()) {
    AddBoolean(&doc, schema::kPrefixItemClass, analyzer.Normalize(item.item_class));
  }
  const bool has_attachment = item.attachment_count > 0 || !item.attachment_names.empty();
  AddBoolean(&doc, schema::kPrefixHasAttachment, has_attachment ? "true" : "false");
  AddBoolean(&doc, schema::kPrefixKind, std::string(ItemKindName(item.kind)));
  AddBoolean(&doc, schema::kPrefixIndexState, std::string(IndexStateName(item.state)));
  if (!item.custodian.empty()) {
    AddBoolean(&doc, schema::kPrefixCustodian, analyzer.Normalize(item.custodian));
  }
  for (const auto& custodian : item.custodians) {
    AddBoolean(&doc, schema::kPrefixCustodian, analyzer.Normalize(custodian));
  }
  AddBoolean(&doc, schema::kPrefixFileExtension, FileExtension(item.file_name));

  // An unknown date gets no value and no terms at all, so `sent<2013-01-01` does not match it.
  if (item.sent != 0) {
    doc.add_value(schema::kSlotSent, Xapian::sortable_serialise(static_cast<double>(item.sent)));
    AddDateTerms(&doc, schema::kPrefixSentDate, item.sent);
  }
  doc.add_value(schema::kSlotSize, Xapian::sortable_serialise(static_cast<double>(item.size)));
  // IM and meetings are filed in the mailbox when they happen, so their received time is sent.
  if (const UtcMillis received = item.received != 0 ? item.received : item.sent; received != 0) {
    doc.add_value(schema::kSlotReceived, Xapian::sortable_serialise(static_cast<double>(received)));
    AddDateTerms(&doc, schema::kPrefixReceivedDate, received);
  }
  if (!item.sha256.empty()) {
    doc.add_value(schema::kSlotSha256, item.sha256);
  }
  if (const UtcMillis last = item.last_activity != 0 ? item.last_activity : item.sent; last != 0) {
    doc.add_value(schema::kSlotLastActivity, Xapian::sortable_serialise(static_cast<double>(last)));
    AddDateTerms(&doc, schema::kPrefixLastActivityDate, last);
  }
  std::string refiner_terms;
  for (const std::string_view prefix : schema::kRefinablePrefixes) {
    auto it = doc.termlist_begin();
    for (it.skip_to(std::string(prefix)); it != doc.termlist_end(); ++it) {
      const std::string term = *it;
      if (term.compare(0, prefix.size(), prefix) != 0) {
        break;
      }
      if (term.size() > prefix.size() &&
          std::isupper(static_cast<unsigned char>(term[prefix.size()])) == 0) {
        refiner_terms.append(term).push_back('\x1f');
      }
    }
  }
  if (!refiner_terms.empty()) {
    doc.add_value(schema::kSlotRefinerTerms, refiner_terms);
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
