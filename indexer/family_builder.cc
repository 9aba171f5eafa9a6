/** @file
 *  @brief Dispatch by type and the item model of every kind of input; see family_builder.h.
 */
#include "indexer/family_builder.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <set>
#include <thread>

#include "common/hashing.h"
#include "common/strings.h"
#include "indexer/archive_reader.h"
#include "indexer/charset_converter.h"
#include "indexer/conversation_key.h"
#include "indexer/document_text.h"
#include "indexer/html_text.h"
#include "indexer/lcslog_importer.h"
#include "indexer/lync_session_parser.h"
#include "indexer/mbox_reader.h"
#include "indexer/message_kind.h"
#include "indexer/mime_parser.h"
#include "indexer/ooxml_text.h"
#include "indexer/pdf_text.h"
#include "indexer/pst_reader.h"
#include "indexer/rtf_text.h"
#include "indexer/tnef_reader.h"
#include "storage/text_analyzer.h"

namespace docket {
namespace {

constexpr size_t kSniffBytes = 8192;

// One analyzer per worker thread: ICU break iterators are not thread-safe, and making one per
// item would cost more than the analysis.
TextAnalyzer& ThreadAnalyzer() {
  thread_local TextAnalyzer analyzer;
  return analyzer;
}

// Exchange files archived Lync IM and conferences alike as conversation history; no
// "IPM.Note.Microsoft.Conference" class exists (ediscovery.md §1.5).
constexpr std::string_view kConversationClass = "IPM.Note.Microsoft.Conversation";

std::vector<std::string> AttachmentNames(const std::vector<MimeAttachment>& attachments) {
  std::vector<std::string> names;
  for (const MimeAttachment& attachment : attachments) {
    if (!attachment.file_name.empty()) {
      names.push_back(attachment.file_name);
    }
  }
  return names;
}

bool IsTextType(std::string_view media_type, std::string_view name) {
  if (media_type.substr(0, 5) == "text/") {
    return true;
  }
  static constexpr std::string_view kTextExtensions[] = {"txt", "csv", "log",  "md",  "json",
                                                         "xml", "htm", "html", "ics", "vcf"};
  const std::string ext = FileExtension(name);
  return std::find(std::begin(kTextExtensions), std::end(kTextExtensions), ext) !=
         std::end(kTextExtensions);
}

bool IsHtml(std::string_view media_type, std::string_view name) {
  const std::string ext = FileExtension(name);
  return media_type == "text/html" || ext == "htm" || ext == "html";
}

// An RFC 5322 message: named .eml, or opening with header lines that include a mail header.
bool LooksLikeMime(std::string_view bytes, std::string_view name) {
  const std::string ext = FileExtension(name);
  if (ext == "eml" || ext == "mht" || ext == "mhtml") {
    return true;
  }
  const std::string_view head = bytes.substr(0, kSniffBytes);
  const size_t colon = head.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 76) {
    return false;
  }
  for (size_t i = 0; i < colon; ++i) {
    const char c = head[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  for (std::string_view header : {"\nFrom:", "\nDate:", "\nSubject:", "\nMIME-Version:"}) {
    if (head.find(header) != std::string_view::npos ||
        head.substr(0, header.size() - 1) == header.substr(1)) {
      return true;
    }
  }
  return false;
}

// Builds families; one instance per BuildFamily call.
class Builder {
 public:
  explicit Builder(const FamilyContext& context) : context_(context) {}

  Family Take() { return std::move(family_); }
  PendingItem& pending(int index) { return family_.items[static_cast<size_t>(index)]; }

  // Adds the item the bytes are, and its descendants; returns its index. `kind_hint` is the kind
  // a generic file gets (kFile at the top, kAttachment inside a message or document).
  int Add(std::string bytes, std::string sha, const std::string& ipath, int parent,
          ItemKind kind_hint, std::string media_type, std::string file_name, int depth) {
    const std::string name = file_name.empty() ? std::string(BaseName(ipath)) : file_name;
    if (media_type.empty()) {
      media_type = MediaTypeForName(name);
    }
    const std::string_view head = std::string_view(bytes).substr(0, kSniffBytes);
    // Office documents are zips, so they are asked for before archives.
    if (LooksLikeOoxml(head, name)) {
      auto text = ExtractOoxmlText(bytes, name, context_.limits);
      return AddDocument(std::move(bytes), std::move(sha), ipath, parent, kind_hint, media_type,
                         name, std::move(text), depth);
    }
    if (depth > 0 && LooksLikeArchive(head, name)) {
      return AddArchive(std::move(bytes), std::move(sha), ipath, parent, name, depth);
    }
    if (LooksLikePdf(head)) {
      auto text = ExtractPdfText(bytes);
      return AddDocument(std::move(bytes), std::move(sha), ipath, parent, kind_hint,
                         "application/pdf", name, std::move(text), depth);
    }
    if (LooksLikeRtf(head)) {
      auto text = ExtractRtfText(bytes);
      return AddDocument(std::move(bytes), std::move(sha), ipath, parent, kind_hint,
                         "application/rtf", name, std::move(text), depth);
    }
    if (LooksLikeTnef(head) || media_type == "application/ms-tnef") {
      return AddTnef(std::move(bytes), std::move(sha), ipath, parent, kind_hint, name, depth);
    }
    if (LooksLikePst(head)) {
      return AddPst(std::move(bytes), std::move(sha), ipath, parent, name, depth);
    }
    if (LooksLikeMbox(head, name)) {
      return AddMbox(std::move(bytes), std::move(sha), ipath, parent, name, depth);
    }
    if (media_type == "message/rfc822" || LooksLikeMime(bytes, name)) {
      if (depth > context_.limits.max_depth) {
        const int index = NewItem(kind_hint, ipath, parent, name, media_type);
        family_.items[index].item.sha256 = std::move(sha);
        family_.items[index].item.size = bytes.size();
        MarkUnindexed(index, "message nested deeper than " +
                                 std::to_string(context_.limits.max_depth) + " levels");
        family_.items[index].native = std::move(bytes);
        return index;
      }
      return AddMessage(std::move(bytes), std::move(sha), ipath, parent, kind_hint, name, depth);
    }
    const int index = NewItem(kind_hint, ipath, parent, name, media_type);
    Item& item = family_.items[index].item;
    item.sha256 = std::move(sha);
    item.size = bytes.size();
    item.title = name;
    if (IsTextType(media_type, name)) {
      auto decoded = ConvertToUtf8(bytes, "");
      if (!decoded.ok()) {
        MarkUnindexed(index, decoded.error().message());
      } else {
        item.text = IsHtml(media_type, name) ? HtmlToText(decoded->utf8) : decoded->utf8;
        if (decoded->detected) {
          item.detected_charset = decoded->charset;
        }
        if (!decoded->warning.empty()) {
          AddProblem(&item, decoded->warning);
        }
      }
    } else {
      MarkUnindexed(index, "no text extractor for this file type (" + media_type + ")");
    }
    family_.items[index].native = std::move(bytes);
    return index;
  }

  int NewItem(ItemKind kind, const std::string& ipath, int parent, const std::string& name,
              const std::string& media_type) {
    PendingItem pending;
    pending.parent = parent;
    Item& item = pending.item;
    item.kind = kind;
    item.ipath = ipath;
    item.file_name = name;
    item.media_type = media_type;
    if (!context_.custodian.empty()) {
      item.custodian = context_.custodian;
      item.custodians = {context_.custodian};
    }
    family_.items.push_back(std::move(pending));
    return static_cast<int>(family_.items.size() - 1);
  }

  void MarkUnindexed(int index, const std::string& reason) {
    Item& item = family_.items[index].item;
    item.state = IndexState::kUnindexed;
    item.state_reason = reason;
  }

 private:
  // An archive met inside a message or document: a container with its members, read in memory.
  int AddArchive(std::string bytes, std::string sha, const std::string& ipath, int parent,
                 const std::string& name, int depth) {
    const int index = NewItem(ItemKind::kContainer, ipath, parent, name, MediaTypeForName(name));
    family_.items[index].item.sha256 = sha;
    family_.items[index].item.size = bytes.size();
    if (depth >= context_.limits.max_depth) {
      MarkUnindexed(index, "archive nested deeper than " +
                               std::to_string(context_.limits.max_depth) + " levels");
      family_.items[index].native = std::move(bytes);
      return index;
    }
    auto reader = ArchiveReader::OpenMemory(bytes, context_.limits, name);
    if (!reader.ok()) {
      MarkUnindexed(index, reader.error().message());
      family_.items[index].native = std::move(bytes);
      return index;
    }
    for (;;) {
      ArchiveEntry entry;
      auto next = (*reader)->Next(&entry);
      if (!next.ok()) {
        // Members read before the damage stay; the container keeps its bytes for export.
        MarkUnindexed(index, next.error().message());
        family_.items[index].native = std::move(bytes);
        return index;
      }
      if (!*next) {
        break;
      }
      const std::string member_ipath = ipath + "!/" + entry.path;
      if (!EntryHasContent(entry)) {
        const int member = NewItem(ItemKind::kFile, member_ipath, index,
                                   std::string(BaseName(entry.path)), MediaTypeForName(entry.path));
        MarkUnindexed(member, entry.problem);
        continue;
      }
      std::string member_sha = Sha256Hex(entry.bytes);
      const int member = Add(std::move(entry.bytes), std::move(member_sha), member_ipath, index,
                             ItemKind::kFile, "", std::string(BaseName(entry.path)), depth + 1);
      AddProblem(&family_.items[member].item, entry.problem);
    }
    // A healthy archive inside a message keeps its native: it is the attachment legal produces.
    family_.items[index].native = std::move(bytes);
    return index;
  }

  // A document read by an extractor: its text, and what it embeds as children.
  int AddDocument(std::string bytes, std::string sha, const std::string& ipath, int parent,
                  ItemKind kind, const std::string& media_type, const std::string& name,
                  Result<DocumentText> text, int depth) {
    const int index = NewItem(kind, ipath, parent, name, media_type);
    {
      Item& item = family_.items[index].item;
      item.sha256 = std::move(sha);
      item.size = bytes.size();
      item.title = name;
    }
    family_.items[index].native = std::move(bytes);
    if (!text.ok()) {
      MarkUnindexed(index, text.error().message());
      return index;
    }
    {
      Item& item = family_.items[index].item;
      item.text = std::move(text->text);
      if (!text->title.empty()) {
        item.title = text->title;
      }
      if (!text->author.empty()) {
        item.from = text->author;
        item.author = text->author;
      }
      item.sent = text->created;
      AddProblem(&item, JoinReasons(text->warnings));
    }
    AddEmbedded(index, text->embedded, "", depth + 1);
    return index;
  }

  // Files inside a document or TNEF: children of kind kAttachment, their text folded upwards.
  void AddEmbedded(int index, std::vector<EmbeddedFile>& files, const std::string& folder,
                   int depth) {
    const std::string ipath = family_.items[index].item.ipath;
    std::set<std::string> used;
    uint32_t number = 0;
    for (EmbeddedFile& file : files) {
      ++number;
      std::string component = file.name.empty() ? std::to_string(number) : file.name;
      if (!used.insert(component).second) {
        component = std::to_string(number) + "-" + component;
      }
      const size_t first_child = family_.items.size();
      std::string child_sha = Sha256Hex(file.bytes);
      const bool had_bytes = !file.bytes.empty();
      const int child =
          Add(std::move(file.bytes), std::move(child_sha), ipath + "!/" + folder + component, index,
              ItemKind::kAttachment, file.media_type, std::string(BaseName(component)), depth);
      if (family_.items[child].item.state == IndexState::kUnindexed && had_bytes) {
        AddProblem(&family_.items[index].item, "embedded '" + component + "' not indexed: " +
                                                   family_.items[child].item.state_reason);
      }
      FoldChildText(index, first_child);
    }
  }

  void FoldChildText(int index, size_t first_child) {
    std::string folded;
    for (size_t i = first_child; i < family_.items.size(); ++i) {
      const Item& part = family_.items[i].item;
      if (part.kind == ItemKind::kAttachment && !part.text.empty()) {
        folded += "\n\n" + part.file_name + "\n" + part.text;
      }
    }
    family_.items[index].item.text += folded;
  }

  // winmail.dat: the message Outlook wrapped, with its attachments as children.
  int AddTnef(std::string bytes, std::string sha, const std::string& ipath, int parent,
              ItemKind kind, const std::string& name, int depth) {
    auto tnef = ParseTnef(bytes);
    const int index = NewItem(kind, ipath, parent, name, "application/ms-tnef");
    {
      Item& item = family_.items[index].item;
      item.sha256 = std::move(sha);
      item.size = bytes.size();
      item.title = name;
    }
    family_.items[index].native = std::move(bytes);
    if (!tnef.ok()) {
      MarkUnindexed(index, tnef.error().message());
      return index;
    }
    Item& item = family_.items[index].item;
    if (!tnef->subject.empty()) {
      item.title = tnef->subject;
    }
    item.item_class = tnef->message_class;
    for (const EmbeddedFile& file : tnef->attachments) {
      if (!file.name.empty()) {
        item.attachment_names.push_back(file.name);
      }
    }
    item.sent = tnef->sent;
    std::vector<std::string> warnings = tnef->warnings;
    if (!tnef->body_text.empty()) {
      item.text = tnef->body_text;
    } else if (!tnef->html_body.empty()) {
      item.text = HtmlToText(tnef->html_body);
    } else if (!tnef->rtf_body.empty()) {
      auto rtf = ExtractRtfText(tnef->rtf_body);
      if (rtf.ok()) {
        item.text = rtf->text;
        warnings.insert(warnings.end(), rtf->warnings.begin(), rtf->warnings.end());
      } else {
        warnings.push_back("RTF body: " + rtf.error().message());
      }
    }
    if (!item.title.empty() && item.title != name) {
      item.text = item.title + "\n" + item.text;
    }
    AddProblem(&item, JoinReasons(warnings));
    AddEmbedded(index, tnef->attachments, "attachment/", depth + 1);
    return index;
  }

  // A mailbox met inside an archive or a message: a container of its messages.
  int AddMbox(std::string bytes, std::string sha, const std::string& ipath, int parent,
              const std::string& name, int depth) {
    const int index = NewItem(ItemKind::kContainer, ipath, parent, name, "application/mbox");
    family_.items[index].item.sha256 = std::move(sha);
    family_.items[index].item.size = bytes.size();
    auto reader = MboxReader::OpenMemory(bytes, context_.limits.max_entry_bytes);
    if (!reader.ok()) {
      MarkUnindexed(index, reader.error().message());
    } else {
      for (;;) {
        MboxMessage message;
        auto next = (*reader)->Next(&message);
        if (!next.ok()) {
          AddProblem(&family_.items[index].item, next.error().message());
          break;
        }
        if (!*next) {
          break;
        }
        const std::string member = ipath + "!/" + std::to_string(message.index + 1);
        if (!message.skipped_reason.empty()) {
          const int skipped = NewItem(ItemKind::kEmail, member, index, "", "message/rfc822");
          family_.items[skipped].item.size = message.size;
          MarkUnindexed(skipped, message.skipped_reason);
          continue;
        }
        std::string message_sha = Sha256Hex(message.bytes);
        Add(std::move(message.bytes), std::move(message_sha), member, index, ItemKind::kEmail,
            "message/rfc822", "", depth + 1);
      }
    }
    family_.items[index].native = std::move(bytes);
    return index;
  }

  // libpff reads files only (Debian's build has no in-memory I/O), so a PST inside an archive
  // or message is written to a private temporary file under the index directory and removed.
  int AddPst(std::string bytes, std::string sha, const std::string& ipath, int parent,
             const std::string& name, int depth) {
    const int index =
        NewItem(ItemKind::kContainer, ipath, parent, name, "application/vnd.ms-outlook");
    family_.items[index].item.sha256 = sha;
    family_.items[index].item.size = bytes.size();
    if (context_.temp_dir.empty()) {
      MarkUnindexed(index, "a PST inside another file needs a temporary folder; none was given");
      family_.items[index].native = std::move(bytes);
      return index;
    }
    static std::atomic<uint64_t> counter{0};
    std::error_code ec;
    std::filesystem::create_directories(context_.temp_dir, ec);
    const std::filesystem::path temp =
        context_.temp_dir / ("pst-" + sha.substr(0, 16) + "-" + std::to_string(++counter));
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      if (!out) {
        MarkUnindexed(index, "cannot write a temporary copy of the PST to " + temp.string());
        family_.items[index].native = std::move(bytes);
        return index;
      }
    }
    AddPstItems(index, temp, depth);
    std::filesystem::remove(temp, ec);
    family_.items[index].native = std::move(bytes);
    return index;
  }

 public:
  void AddPstItems(int index, const std::filesystem::path& file, int depth) {
    const std::string ipath = family_.items[index].item.ipath;
    auto reader = PstReader::OpenFile(file);
    if (!reader.ok()) {
      MarkUnindexed(index, reader.error().message());
      return;
    }
    for (;;) {
      PstItem pst;
      auto next = (*reader)->Next(&pst);
      if (!next.ok()) {
        AddProblem(&family_.items[index].item, next.error().message());
        return;
      }
      if (!*next) {
        return;
      }
      const std::string member =
          ipath + "!/" + pst.folder_path + "/" + std::to_string(pst.identifier) + ".eml";
      if (!pst.skipped_reason.empty()) {
        const int skipped = NewItem(ItemKind::kEmail, member, index, "", "message/rfc822");
        MarkUnindexed(skipped, pst.skipped_reason);
        continue;
      }
      std::string message_sha = Sha256Hex(pst.eml);
      const int child = Add(std::move(pst.eml), std::move(message_sha), member, index,
                            ItemKind::kEmail, "message/rfc822", "", depth + 1);
      AddProblem(&family_.items[child].item, JoinReasons(pst.warnings));
    }
  }

 private:
  int AddMessage(std::string bytes, std::string sha, const std::string& ipath, int parent,
                 ItemKind kind_hint, const std::string& name, int depth) {
    auto parsed = ParseMime(bytes);
    if (!parsed.ok()) {
      const int index = NewItem(kind_hint, ipath, parent, name, MediaTypeForName(name));
      family_.items[index].item.sha256 = std::move(sha);
      family_.items[index].item.size = bytes.size();
      MarkUnindexed(index, "not a readable MIME message: " + parsed.error().message());
      family_.items[index].native = std::move(bytes);
      return index;
    }
    if (IsLyncSession(*parsed, name)) {
      return AddLyncSession(std::move(bytes), std::move(sha), ipath, parent, name, *parsed, depth);
    }
    return AddEmail(std::move(bytes), std::move(sha), ipath, parent, name, *parsed, depth);
  }

  int AddLyncSession(std::string bytes, std::string sha, const std::string& ipath, int parent,
                     const std::string& name, const MimeMessage& mime, int depth) {
    const auto file_name = ParseLyncFileName(name);
    auto session = ParseLyncSession(mime, name);
    const bool conference =
        session.ok() ? session->conference : (file_name && file_name->conference);
    const int index = NewItem(conference ? ItemKind::kMeeting : ItemKind::kImConversation, ipath,
                              parent, name, "message/rfc822");
    {
      Item& conv = family_.items[index].item;
      conv.sha256 = std::move(sha);
      conv.size = bytes.size();
    }
    family_.items[index].native = std::move(bytes);
    if (!session.ok()) {
      Item& conv = family_.items[index].item;
      conv.title = mime.subject;
      conv.from = mime.from;
      conv.to = mime.to;
      conv.cc = mime.cc;
      conv.sent = mime.date;
      conv.importance = mime.importance;
      conv.item_class = mime.item_class.empty() ? std::string(kConversationClass) : mime.item_class;
      conv.session_id = mime.session_id;
      conv.text = mime.text_body;
      MarkUnindexed(index, "IM transcript could not be read: " + session.error().message());
      return index;
    }
    std::vector<std::string> reasons = mime.warnings;
    reasons.insert(reasons.end(), session->warnings.begin(), session->warnings.end());
    {
      Item& conv = family_.items[index].item;
      conv.detected_charset = mime.detected_charset;
      conv.title = session->subject;
      conv.from = session->from;
      conv.to = session->to;
      conv.participants = session->participants;
      conv.cc = mime.cc;
      conv.sent = session->start;
      conv.last_activity = session->start;
      conv.importance = mime.importance;
      conv.item_class = mime.item_class.empty() ? std::string(kConversationClass) : mime.item_class;
      conv.attachment_names = AttachmentNames(mime.attachments);  // conference uploads
      conv.session_id = session->session_id;
      conv.message_count = static_cast<uint32_t>(session->messages.size());
      if (file_name) {
        conv.conversation_key = ConversationKey(conference, file_name->start, file_name->sequence,
                                                session->messages, ThreadAnalyzer());
      }
    }
    AddConversationLines(index, session->messages);
    // Conference uploads (handouts, decks) arrive as further parts of the session file.
    AddAttachments(index, mime.attachments, &reasons, depth + 1);
    if (!reasons.empty()) {
      AddProblem(&family_.items[index].item, JoinReasons(reasons));
    }
    return index;
  }

  int AddEmail(std::string bytes, std::string sha, const std::string& ipath, int parent,
               const std::string& name, const MimeMessage& mime, int depth) {
    const ItemKind kind =
        KindOfMessage(mime.item_class, mime.content_class, mime.has_calendar_part);
    const int index = NewItem(kind, ipath, parent, name, "message/rfc822");
    {
      Item& email = family_.items[index].item;
      email.sha256 = std::move(sha);
      email.size = bytes.size();
      email.title = mime.subject;
      email.from = mime.from;
      email.to = mime.to;
      email.participants = mime.to;
      email.participants.insert(email.participants.end(), mime.cc.begin(), mime.cc.end());
      email.participants.insert(email.participants.end(), mime.bcc.begin(), mime.bcc.end());
      email.cc = mime.cc;
      email.bcc = mime.bcc;
      email.received = mime.received;
      email.importance = mime.importance;
      // A message with no class of its own is an ordinary note, as Exchange files it.
      email.item_class = mime.item_class.empty() ? "IPM.Note" : mime.item_class;
      email.attachment_names = AttachmentNames(mime.attachments);
      email.sent = mime.date;
      email.last_activity = mime.date;
      email.message_id = mime.message_id;
      email.session_id = mime.session_id;
      email.text = mime.text_body;
      email.detected_charset = mime.detected_charset;
    }
    family_.items[index].native = std::move(bytes);
    std::vector<std::string> reasons = mime.warnings;
    AddAttachments(index, mime.attachments, &reasons, depth + 1);
    if (!reasons.empty()) {
      AddProblem(&family_.items[index].item, JoinReasons(reasons));
    }
    return index;
  }

 public:
  void AddConversationLines(int index, const std::vector<ConversationMessage>& messages) {
    const std::string ipath = family_.items[index].item.ipath;
    uint32_t seq = 0;
    for (const ConversationMessage& message : messages) {
      const int line = NewItem(ItemKind::kImMessage, ipath + "#" + std::to_string(++seq), index, "",
                               "text/plain");
      Item& item = family_.items[line].item;
      item.from = message.sender;
      item.sent = message.sent;
      item.text = message.text;
      item.title = message.is_event ? "event" : "";
      Item& conv = family_.items[index].item;
      conv.last_activity = std::max(conv.last_activity, message.sent);
      conv.text += message.sender;
      conv.text += message.is_event ? " " : ": ";
      conv.text += message.text;
      conv.text += '\n';
    }
  }

 private:
  // Attachments become kAttachment children; their text (and that of what they embed) is folded
  // into the message, because a hit on an attachment is a hit on its family head.
  void AddAttachments(int index, const std::vector<MimeAttachment>& attachments,
                      std::vector<std::string>* reasons, int depth) {
    const std::string ipath = family_.items[index].item.ipath;
    std::set<std::string> used_names;
    uint32_t number = 0;
    for (const MimeAttachment& attachment : attachments) {
      ++number;
      std::string component = attachment.file_name;
      std::replace(component.begin(), component.end(), '/', '_');
      if (component.empty() || !used_names.insert(component).second) {
        component = std::to_string(number) + (component.empty() ? "" : "-" + component);
      }
      const size_t first_child = family_.items.size();
      const int child =
          Add(attachment.bytes, Sha256Hex(attachment.bytes), ipath + "!/attachment/" + component,
              index, ItemKind::kAttachment, attachment.media_type, attachment.file_name, depth);
      Item& item = family_.items[child].item;
      if (!attachment.file_name.empty()) {
        item.file_name = attachment.file_name;
        if (item.title.empty()) {
          item.title = attachment.file_name;
        }
      }
      if (item.state == IndexState::kUnindexed && !attachment.bytes.empty()) {
        reasons->push_back("attachment '" + component + "' not indexed: " + item.state_reason);
      }
      FoldChildText(index, first_child);
    }
    family_.items[index].item.attachment_count = number;
  }

  const FamilyContext& context_;
  Family family_;
};

}  // namespace

std::string JoinReasons(const std::vector<std::string>& reasons) {
  std::string out;
  for (const auto& reason : reasons) {
    if (reason.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += "; ";
    }
    out += reason;
  }
  return out;
}

bool EntryHasContent(const ArchiveEntry& entry) {
  const bool data_type = entry.type == EntryType::kFile || entry.type == EntryType::kOther;
  return data_type && (entry.complete || !entry.bytes.empty());
}

void AddProblem(Item* item, const std::string& reason) {
  if (reason.empty()) {
    return;
  }
  if (item->state == IndexState::kIndexed) {
    item->state = IndexState::kPartiallyIndexed;
  }
  if (!item->state_reason.empty()) {
    item->state_reason += "; ";
  }
  item->state_reason += reason;
}

std::string MediaTypeForName(const std::string& name) {
  const std::string ext = FileExtension(name);
  if (ext == "zip") return "application/zip";
  if (ext == "gz" || ext == "tgz") return "application/gzip";
  if (ext == "tar") return "application/x-tar";
  if (ext == "7z") return "application/x-7z-compressed";
  if (ext == "eml") return "message/rfc822";
  if (ext == "mbox" || ext == "mbx") return "application/mbox";
  if (ext == "pst" || ext == "ost") return "application/vnd.ms-outlook";
  if (ext == "txt" || ext == "log") return "text/plain";
  if (ext == "csv") return "text/csv";
  if (ext == "htm" || ext == "html") return "text/html";
  if (ext == "rtf") return "application/rtf";
  if (ext == "pdf") return "application/pdf";
  if (ext == "docx")
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  if (ext == "pptx") {
    return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
  }
  if (ext == "xlsx") return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  return "application/octet-stream";
}

Family BuildFamily(std::string bytes, std::string sha256, const std::string& ipath,
                   const FamilyContext& context, const std::string& problem) {
  Builder builder(context);
  builder.Add(std::move(bytes), std::move(sha256), ipath, PendingItem::kNoParentInFamily,
              ItemKind::kFile, "", "", context.depth);
  Family family = builder.Take();
  AddProblem(&family.items.front().item, problem);
  return family;
}

Family FamilyFromLcsLog(LcsLogSession session, const std::string& ipath,
                        const FamilyContext& context) {
  Builder builder(context);
  const int index = builder.NewItem(
      session.conference ? ItemKind::kMeeting : ItemKind::kImConversation, ipath,
      PendingItem::kNoParentInFamily, session.native_name, "text/tab-separated-values");
  {
    PendingItem& head = builder.pending(index);
    Item& conv = head.item;
    conv.title = session.subject;
    conv.from = session.from;
    conv.to = session.to;
    conv.participants = session.participants;
    conv.sent = session.start;
    conv.last_activity = session.start;
    conv.item_class = std::string(kConversationClass);
    conv.message_count = static_cast<uint32_t>(session.messages.size());
    conv.sha256 = Sha256Hex(session.native);
    conv.size = session.native.size();
    conv.conversation_key = ConversationKey(session.conference, session.start, session.sequence,
                                            session.messages, ThreadAnalyzer());
    head.native = std::move(session.native);
    AddProblem(&conv, JoinReasons(session.warnings));
  }
  builder.AddConversationLines(index, session.messages);
  return builder.Take();
}

Family UnreadableFamily(const std::string& ipath, const std::string& reason, std::string native,
                        std::string sha256, uint64_t size, const FamilyContext& context) {
  Builder builder(context);
  const int index =
      builder.NewItem(ItemKind::kFile, ipath, PendingItem::kNoParentInFamily,
                      std::string(BaseName(ipath)), MediaTypeForName(std::string(BaseName(ipath))));
  builder.MarkUnindexed(index, reason);
  Family family = builder.Take();
  PendingItem& head = family.items.front();
  head.item.size = native.empty() ? size : native.size();
  head.item.sha256 = !sha256.empty() || native.empty() ? std::move(sha256) : Sha256Hex(native);
  head.native = std::move(native);
  return family;
}

}  // namespace docket
