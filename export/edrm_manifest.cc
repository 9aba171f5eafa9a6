/** @file
 *  @brief See edrm_manifest.h.
 *
 *  libxml2's xmlTextWriter does the escaping and the nesting; it writes through an
 *  xmlOutputBuffer whose callback appends to the caller's std::ostream, so the manifest is
 *  streamed document by document and never held as a tree.
 */
#include "export/edrm_manifest.h"

#include <libxml/xmlIO.h>
#include <libxml/xmlwriter.h>

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

// The element helpers over one xmlTextWriter: the manifest's own writer and the renderers'.
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

  void Tag(const char* name, const char* data_type, const std::string& value) {
    if (value.empty()) {
      return;
    }
    Start("Tag");
    Attribute("TagName", name);
    Attribute("TagDataType", data_type);
    Attribute("TagValue", value);
    End();
  }
  void TextTag(const char* name, const std::string& value) { Tag(name, "Text", value); }
  void DateTag(const char* name, UtcMillis millis) {
    if (millis != 0) {
      Tag(name, "DateTime", FormatIso8601(millis));
    }
  }

  void File(const char* file_type, const PackageFile& file) {
    Start("File");
    Attribute("FileType", file_type);
    Start("ExternalFile");
    // FilePath is the folder, relative to manifest.xml at the package root; FileName the name.
    const size_t slash = file.path.rfind('/');
    const std::string folder =
        slash == std::string::npos ? std::string() : file.path.substr(0, slash);
    const std::string name = !file.file_name.empty()      ? file.file_name
                             : slash == std::string::npos ? file.path
                                                          : file.path.substr(slash + 1);
    Attribute("FilePath", folder);
    Attribute("FileName", name);
    Attribute("FileSize", std::to_string(file.size));
    if (!file.digests.md5.empty()) {
      Attribute("Hash", file.digests.md5);
      Attribute("HashType", "MD5");
    }
    End();
    End();
  }

  void Document(const ExportRecord& record) {
    XmlDocumentWriter& w = *this;
    w.Start("Document");
    w.Attribute("DocID", record.doc_id);
    w.Attribute("DocType", record.doc_type);
    if (!record.mime_type.empty()) {
      w.Attribute("MimeType", record.mime_type);
    }

    if (record.native.has_value() || record.text.has_value()) {
      w.Start("Files");
      if (record.native.has_value()) {
        w.File("Native", *record.native);
      }
      if (record.text.has_value()) {
        w.File("Text", *record.text);
      }
      w.End();
    }

    if (!record.custodian.empty() || !record.source_path.empty()) {
      w.Start("Locations");
      w.Start("Location");
      if (!record.custodian.empty()) {
        w.Element("Custodian", record.custodian);
      }
      if (!record.source_path.empty()) {
        w.Element("LocationURI", record.source_path);
      }
      w.End();
      w.End();
    }

    // Same choice as the DAT: the digests of the native in the package when it was written.
    const NativeDigests& digests =
        record.native.has_value() ? record.native->digests : record.ingest_digests;
    const bool conversation =
        record.kind == ItemKind::kImConversation || record.kind == ItemKind::kMeeting;
    w.Start("Tags");
    w.TextTag("#From", record.from);
    w.TextTag("#To", Join(record.to));
    w.TextTag("#CC", Join(record.cc));
    w.TextTag("#BCC", Join(record.bcc));
    w.TextTag("#Subject", record.subject);
    w.DateTag("#DateSent", record.sent);
    w.DateTag("#DateReceived", record.received);
    w.TextTag("#MessageClass", record.message_class);
    w.TextTag("#FileName", record.file_name);
    w.TextTag("#FileExtension", record.file_extension);
    // Numbers and flags are never "empty": 0 bytes and "no attachments" are facts.
    w.Tag("#FileSize", "LongInteger", std::to_string(record.file_size));
    w.TextTag("#Author", record.author);
    w.Tag("#HasAttachments", "Boolean",
          record.attachment_count > 0 || !record.attachment_ids.empty() ? "true" : "false");
    w.Tag("#AttachmentCount", "Integer", std::to_string(record.attachment_count));
    w.TextTag("#AttachmentNames", Join(record.attachment_names));
    w.TextTag("#ImportanceFlag", record.importance);
    w.TextTag("#MessageID", record.message_id);
    w.TextTag("#SessionId", record.session_id);
    w.TextTag("#ConversationKind", record.conversation_kind);
    w.TextTag("#Participants", Join(record.participants));
    // A conversation or meeting starts with its first message, which is its sent time.
    if (conversation) {
      w.DateTag("#SessionStart", record.sent);
    }
    w.DateTag("#SessionEnd", record.session_end);
    if (record.message_count > 0) {
      w.Tag("#MessageCount", "Integer", std::to_string(record.message_count));
    }
    w.TextTag("#Custodian", record.custodian);
    w.TextTag("#AllCustodians", Join(record.all_custodians));
    w.TextTag("#SourcePath", record.source_path);
    w.TextTag("#Language", record.language);
    w.TextTag("#IndexState", record.index_state);
    w.TextTag("#IndexReason", record.state_reason);
    w.TextTag("#SHA1", digests.sha1);
    w.TextTag("#SHA256", digests.sha256);
    w.End();  // Tags

    w.End();  // Document
  }
};

}  // namespace

struct EdrmManifestWriter::Impl : XmlDocumentWriter {
  bool finished = false;
  size_t documents = 0;
};

struct EdrmDocumentRenderer::Impl : XmlDocumentWriter {
  xmlBufferPtr buffer = nullptr;
};

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

EdrmDocumentRenderer::EdrmDocumentRenderer() : impl_(std::make_unique<Impl>()) {
  // A writer in the state of the manifest's after one Document: inside Root, Batch and
  // Documents with the Documents start tag closed, so each Document it writes next comes out
  // byte for byte as the manifest's own writer would write it there.
  impl_->buffer = xmlBufferCreate();
  impl_->writer = xmlNewTextWriterMemory(impl_->buffer, 0);
  xmlTextWriterSetIndent(impl_->writer, 1);
  xmlTextWriterSetIndentString(impl_->writer, X("  "));
  xmlTextWriterStartDocument(impl_->writer, "1.0", "UTF-8", nullptr);
  impl_->Start("Root");
  impl_->Start("Batch");
  impl_->Start("Documents");
  impl_->Document(ExportRecord());
  xmlTextWriterFlush(impl_->writer);
}

EdrmDocumentRenderer::~EdrmDocumentRenderer() {
  xmlFreeTextWriter(impl_->writer);  // not the buffer: a memory writer leaves that to us
  xmlBufferFree(impl_->buffer);
}

std::string EdrmDocumentRenderer::Render(const ExportRecord& record) {
  xmlBufferEmpty(impl_->buffer);
  impl_->Document(record);
  xmlTextWriterFlush(impl_->writer);
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(impl_->buffer)),
                     static_cast<size_t>(xmlBufferLength(impl_->buffer)));
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
