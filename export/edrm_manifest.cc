/** @file
 *  @brief See edrm_manifest.h.
 *
 *  libxml2's xmlTextWriter does the escaping and the nesting; it writes through an
 *  xmlOutputBuffer whose callback appends to the caller's std::ostream, so the manifest is
 *  streamed document by document and never held as a tree. EdrmDocumentRenderer writes the
 *  same Document elements into strings with libxml2's escaping functions and its own nesting
 *  (cheaper, and on any thread); one template (DocumentElements) drives both, and a test holds
 *  their bytes equal.
 */
#include "export/edrm_manifest.h"

#include <libxml/entities.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlwriter.h>

#include <array>
#include <cassert>
#include <string>
#include <string_view>

#include "common/strings.h"
#include "common/time_util.h"

namespace docket {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
bool IsXmlChar(uint32_t code) {
  return code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
         (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF);
}

// `text` as characters an XML 1.0 parser accepts: each byte that is not part of well-formed
// UTF-8, and each character XML forbids (C0 controls other than tab, LF and CR; U+FFFE/FFFF),
// becomes U+FFFD. A manifest that one stray control character in a chat line makes unreadable
// would fail the whole import at the receiving party.
std::string XmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const Utf8Char c = DecodeUtf8At(text, i);
    if (c.length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const uint32_t code = c.code;
    const size_t length = c.length;
    if (IsXmlChar(code)) {
      out.append(text.substr(i, length));
    } else {
      out += kReplacement;
    }
    i += length;
  }
  return out;
}

// Whether XmlText(text) == text: ASCII without the control characters XML forbids (NUL among
// them, so c_str() of such a string is the whole value).
bool IsPlainXmlText(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r')) {
      return false;
    }
  }
  return true;
}

std::string Join(const std::vector<std::string>& values) { return JoinStrings(values, ";"); }

int WriteToStream(void* context, const char* buffer, int length) {
  auto* out = static_cast<std::ostream*>(context);
  out->write(buffer, length);
  return *out ? length : -1;
}

const xmlChar* X(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

// The element helpers over the manifest's xmlTextWriter.
struct XmlDocumentWriter {
  xmlTextWriterPtr writer = nullptr;

  void Start(const char* element) { xmlTextWriterStartElement(writer, X(element)); }
  void End() { xmlTextWriterEndElement(writer); }
  // Our own names and values (ASCII literals).
  void Attribute(const char* name, const char* value) {
    xmlTextWriterWriteAttribute(writer, X(name), X(value));
  }
  // Values from the documents. Most are plain already and go to libxml2 without a copy; copying
  // each one through XmlText was a sixth of rendering a manifest.
  void Attribute(const char* name, const std::string& value) {
    xmlTextWriterWriteAttribute(writer, X(name),
                                X(IsPlainXmlText(value) ? value.c_str() : XmlText(value).c_str()));
  }
  void Element(const char* name, const std::string& value) {
    xmlTextWriterWriteElement(writer, X(name),
                              X(IsPlainXmlText(value) ? value.c_str() : XmlText(value).c_str()));
  }
  void TagElement(const char* name, const char* data_type, const std::string& value) {
    Start("Tag");
    Attribute("TagName", name);
    Attribute("TagDataType", data_type);
    Attribute("TagValue", value);
    End();
  }
};

// Writes what xmlTextWriter writes for the same calls at the depth of a Document (inside Root,
// Batch and Documents; indented two spaces a level), into a string, and escapes through
// libxml2's own functions (attribute values: xmlAttrSerializeTxtContent; text:
// xmlEncodeSpecialChars). Rendering through
// xmlTextWriter itself cost three times as much (a tenth of a small-document export's CPU).
class StringDocumentWriter {
 public:
  StringDocumentWriter() : escaped_(xmlBufferCreate()), doc_(xmlNewDoc(nullptr)) {
    doc_->encoding = xmlStrdup(X("UTF-8"));
  }
  ~StringDocumentWriter() {
    xmlBufferFree(escaped_);
    xmlFreeDoc(doc_);
  }
  StringDocumentWriter(const StringDocumentWriter&) = delete;
  StringDocumentWriter& operator=(const StringDocumentWriter&) = delete;

  std::string Take() {
    std::string document = std::move(out_);
    out_ = std::string();
    out_.reserve(document.size());  // the next Document is about as long
    return document;
  }

  void Start(const char* element) {
    CloseStartTag();
    Indent();
    out_ += '<';
    out_ += element;
    open_.push_back({element, true});
  }
  void End() {
    const Open element = open_.back();
    open_.pop_back();
    if (element.start_tag_open) {
      out_ += "/>\n";
      return;
    }
    Indent();
    out_ += "</";
    out_ += element.name;
    out_ += ">\n";
  }
  void Attribute(const char* name, std::string_view value) {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    AppendAttributeValue(value);
    out_ += '"';
  }
  // <Tag TagName=".." TagDataType=".." TagValue=".."/> on a line of its own, as the calls
  // Start("Tag"), three Attribute() and End() write it, in one go: a document has about thirty.
  // `name` and `data_type` are the manifest's own names, plain ASCII.
  void TagElement(const char* name, const char* data_type, std::string_view value) {
    CloseStartTag();
    Indent();
    out_ += "<Tag TagName=\"";
    out_ += name;
    out_ += "\" TagDataType=\"";
    out_ += data_type;
    out_ += "\" TagValue=\"";
    AppendAttributeValue(value);
    out_ += "\"/>\n";
  }
  // Text content: no indentation inside, the end tag right after it.
  void Element(const char* name, const std::string& value) {
    CloseStartTag();
    Indent();
    out_ += '<';
    out_ += name;
    out_ += '>';
    const std::string text = IsPlainXmlText(value) ? value : XmlText(value);
    xmlChar* escaped = xmlEncodeSpecialChars(nullptr, X(text.c_str()));
    out_ += reinterpret_cast<const char*>(escaped);
    xmlFree(escaped);
    out_ += "</";
    out_ += name;
    out_ += ">\n";
  }

 private:
  struct Open {
    const char* name;
    bool start_tag_open;  // no child yet: End() writes "/>"
  };

  // Attribute values libxml2 writes as they are: printable ASCII without & < > ".
  static bool IsPlainAttribute(std::string_view value) {
    static constexpr auto kPlain = [] {
      std::array<bool, 256> plain{};
      for (int c = 0x20; c < 0x80; ++c) {
        plain[static_cast<size_t>(c)] = c != '&' && c != '<' && c != '>' && c != '"';
      }
      return plain;
    }();
    for (const char c : value) {
      if (!kPlain[static_cast<unsigned char>(c)]) {
        return false;
      }
    }
    return true;
  }

  void AppendAttributeValue(std::string_view value) {
    if (IsPlainAttribute(value)) {
      out_ += value;
      return;
    }
    // libxml2's escaping wants a C string: XmlText's copy has no NUL (it becomes U+FFFD).
    const std::string text = XmlText(value);
    xmlBufferEmpty(escaped_);
    xmlAttrSerializeTxtContent(escaped_, doc_, nullptr, X(text.c_str()));
    out_.append(reinterpret_cast<const char*>(xmlBufferContent(escaped_)),
                static_cast<size_t>(xmlBufferLength(escaped_)));
  }

  // A child follows: the parent's start tag ends, and the child starts on a line of its own.
  void CloseStartTag() {
    if (!open_.empty() && open_.back().start_tag_open) {
      out_ += ">\n";
      open_.back().start_tag_open = false;
    }
  }
  void Indent() { out_.append(2 * (kDocumentDepth + open_.size()), ' '); }

  static constexpr size_t kDocumentDepth = 3;  // Root, Batch, Documents
  std::string out_;
  std::vector<Open> open_;
  xmlBufferPtr escaped_;
  // A document declared UTF-8, as xmlTextWriterStartDocument declares the manifest's: without
  // it libxml2 writes non-ASCII characters of attribute values as character references.
  xmlDocPtr doc_;
};

// The manifest's elements for one document, over either writer below (the same calls give the
// same bytes: EdrmManifestTest.RenderedDocumentsGiveTheSameBytesAsWrittenOnes).
template <typename Writer>
struct DocumentElements : Writer {
  void Tag(const char* name, const char* data_type, const std::string& value) {
    if (value.empty()) {
      return;
    }
    this->TagElement(name, data_type, value);
  }
  void TextTag(const char* name, const std::string& value) { Tag(name, "Text", value); }
  void DateTag(const char* name, UtcMillis millis) {
    if (millis != 0) {
      Tag(name, "DateTime", FormatIso8601(millis));
    }
  }

  void File(const char* file_type, const PackageFile& file) {
    this->Start("File");
    this->Attribute("FileType", file_type);
    this->Start("ExternalFile");
    // FilePath is the folder, relative to manifest.xml at the package root; FileName the name.
    const size_t slash = file.path.rfind('/');
    const std::string folder =
        slash == std::string::npos ? std::string() : file.path.substr(0, slash);
    const std::string name = !file.file_name.empty()      ? file.file_name
                             : slash == std::string::npos ? file.path
                                                          : file.path.substr(slash + 1);
    this->Attribute("FilePath", folder);
    this->Attribute("FileName", name);
    this->Attribute("FileSize", std::to_string(file.size));
    if (!file.digests.md5.empty()) {
      this->Attribute("Hash", file.digests.md5);
      this->Attribute("HashType", "MD5");
    }
    this->End();
    this->End();
  }

  void Document(const ExportRecord& record) {
    this->Start("Document");
    this->Attribute("DocID", record.doc_id);
    this->Attribute("DocType", record.doc_type);
    if (!record.mime_type.empty()) {
      this->Attribute("MimeType", record.mime_type);
    }

    if (record.native.has_value() || record.text.has_value()) {
      this->Start("Files");
      if (record.native.has_value()) {
        File("Native", *record.native);
      }
      if (record.text.has_value()) {
        File("Text", *record.text);
      }
      this->End();
    }

    if (!record.custodian.empty() || !record.source_path.empty()) {
      this->Start("Locations");
      this->Start("Location");
      if (!record.custodian.empty()) {
        this->Element("Custodian", record.custodian);
      }
      if (!record.source_path.empty()) {
        this->Element("LocationURI", record.source_path);
      }
      this->End();
      this->End();
    }

    // Same choice as the DAT: the digests of the native in the package when it was written.
    const NativeDigests& digests =
        record.native.has_value() ? record.native->digests : record.ingest_digests;
    const bool conversation =
        record.kind == ItemKind::kImConversation || record.kind == ItemKind::kMeeting;
    this->Start("Tags");
    TextTag("#From", record.from);
    TextTag("#To", Join(record.to));
    TextTag("#CC", Join(record.cc));
    TextTag("#BCC", Join(record.bcc));
    TextTag("#Subject", record.subject);
    DateTag("#DateSent", record.sent);
    DateTag("#DateReceived", record.received);
    TextTag("#MessageClass", record.message_class);
    TextTag("#FileName", record.file_name);
    TextTag("#FileExtension", record.file_extension);
    // Numbers and flags are never "empty": 0 bytes and "no attachments" are facts.
    Tag("#FileSize", "LongInteger", std::to_string(record.file_size));
    TextTag("#Author", record.author);
    Tag("#HasAttachments", "Boolean",
        record.attachment_count > 0 || !record.attachment_ids.empty() ? "true" : "false");
    Tag("#AttachmentCount", "Integer", std::to_string(record.attachment_count));
    TextTag("#AttachmentNames", Join(record.attachment_names));
    TextTag("#ImportanceFlag", record.importance);
    TextTag("#MessageID", record.message_id);
    TextTag("#SessionId", record.session_id);
    TextTag("#ConversationKind", record.conversation_kind);
    TextTag("#Participants", Join(record.participants));
    // A conversation or meeting starts with its first message, which is its sent time.
    if (conversation) {
      DateTag("#SessionStart", record.sent);
    }
    DateTag("#SessionEnd", record.session_end);
    if (record.message_count > 0) {
      Tag("#MessageCount", "Integer", std::to_string(record.message_count));
    }
    TextTag("#Custodian", record.custodian);
    TextTag("#AllCustodians", Join(record.all_custodians));
    TextTag("#SourcePath", record.source_path);
    TextTag("#Language", record.language);
    TextTag("#IndexState", record.index_state);
    TextTag("#IndexReason", record.state_reason);
    TextTag("#SHA1", digests.sha1);
    TextTag("#SHA256", digests.sha256);
    this->End();  // Tags

    this->End();  // Document
  }
};

}  // namespace

struct EdrmManifestWriter::Impl : DocumentElements<XmlDocumentWriter> {
  bool finished = false;
  size_t documents = 0;
};

struct EdrmDocumentRenderer::Impl : DocumentElements<StringDocumentWriter> {};

EdrmManifestWriter::EdrmManifestWriter(std::ostream& out, const EdrmManifestHeader& header)
    : impl_(std::make_unique<Impl>()) {
  xmlOutputBufferPtr buffer = xmlOutputBufferCreateIO(WriteToStream, nullptr, &out, nullptr);
  impl_->writer = xmlNewTextWriter(buffer);  // owns `buffer` from here on
  xmlTextWriterSetIndent(impl_->writer, 1);
  xmlTextWriterSetIndentString(impl_->writer, X("  "));
  xmlTextWriterStartDocument(impl_->writer, "1.0", "UTF-8", nullptr);
  impl_->Start("Root");
  impl_->Attribute("MajorVersion", "1");
  impl_->Attribute("MinorVersion", "2");
  if (!header.description.empty()) {
    impl_->Attribute("Description", header.description);
  }
  if (!header.locale.empty()) {
    impl_->Attribute("Locale", header.locale);
  }
  // "Update": the receiver adds these documents to what it holds (the value Microsoft and
  // process-pst exports use); nothing in a production replaces earlier productions.
  impl_->Attribute("DataInterchangeType", "Update");
  impl_->Start("Batch");
  impl_->Start("Documents");
}

EdrmManifestWriter::~EdrmManifestWriter() {
  // Without Finish() the open elements stay open: an unfinished export must not leave a
  // manifest that parses as complete.
  if (impl_->writer != nullptr) {
    xmlFreeTextWriter(impl_->writer);
  }
}

void EdrmManifestWriter::AddDocument(const ExportRecord& record) {
  assert(!impl_->finished && "AddDocument after Finish");
  impl_->Document(record);
  ++impl_->documents;
}

void EdrmManifestWriter::AddRenderedDocument(std::string_view rendered) {
  assert(!impl_->finished && "AddRenderedDocument after Finish");
  Impl& w = *impl_;
  // The first Document closes the Documents start tag: xmlTextWriter writes ">" (state
  // handling of WriteRaw) and, indenting, the newline a Document element starts on.
  if (w.documents == 0) {
    xmlTextWriterWriteRaw(w.writer, X("\n"));
  }
  xmlTextWriterWriteRawLen(w.writer, X(rendered.data()), static_cast<int>(rendered.size()));
  // Raw text makes xmlTextWriter treat Documents as holding text and drop the indentation of
  // its end tag; after a Document element it would indent, so that state is restored.
  xmlTextWriterSetIndent(w.writer, 1);
  ++w.documents;
}

EdrmDocumentRenderer::EdrmDocumentRenderer() : impl_(std::make_unique<Impl>()) {}

EdrmDocumentRenderer::~EdrmDocumentRenderer() = default;

std::string EdrmDocumentRenderer::Render(const ExportRecord& record) {
  impl_->Document(record);
  return impl_->Take();
}

void EdrmManifestWriter::Finish(const std::vector<EdrmRelationship>& relationships) {
  assert(!impl_->finished && "Finish called twice");
  Impl& w = *impl_;
  w.End();  // Documents
  w.Start("Relationships");
  for (const EdrmRelationship& relationship : relationships) {
    w.Start("Relationship");
    w.Attribute("Type", "Attachment");
    w.Attribute("ParentDocID", relationship.parent_doc_id);
    w.Attribute("ChildDocID", relationship.child_doc_id);
    w.End();
  }
  w.End();  // Relationships
  w.End();  // Batch
  w.End();  // Root
  xmlTextWriterEndDocument(w.writer);
  xmlTextWriterFlush(w.writer);
  w.finished = true;
}

}  // namespace docket
