/** @file
 *  @brief OOXML reader: the zip through ArchiveReader, the parts through libxml2's SAX parser,
 *         and relationships to find which part holds what in which order.
 *
 *  Elements are matched by local name only, so Transitional and Strict OOXML (which differ in
 *  namespace URIs) read the same way.
 */
#include "indexer/ooxml_text.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "common/time_util.h"
#include "indexer/archive_reader.h"

namespace docket {
namespace {

using std::string_view_literals::operator""sv;

// libxml2 is thread-safe once xmlInitParser() has run, and it must run on one thread first.
void InitLibxml2Once() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

std::string_view AsView(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// ---------------------------------------------------------------------------------------------
// Streaming XML walk

// What a visitor may ask about the element it is being told about.
class XmlElement {
 public:
  XmlElement(std::string_view parent, const xmlChar** attributes, int attribute_count)
      : parent_(parent), attributes_(attributes), attribute_count_(attribute_count) {}

  /// The local name of the enclosing element ("" at the root).
  std::string_view parent() const { return parent_; }

  /// An attribute without a namespace ("Id", "Target"); empty when absent.
  std::string Attribute(std::string_view name) const { return Find(name, false); }

  /// A namespaced attribute by local name, whatever the namespace ("r:id" in Transitional and
  /// Strict). Elements such as <p:sldId id="256" r:id="rId2"/> carry both, hence the split.
  std::string NamespacedAttribute(std::string_view local_name) const {
    return Find(local_name, true);
  }

  /// Neither the element's content nor its end is reported (fallback copies, field codes).
  void SkipContent() { skip_ = true; }
  bool skip_requested() const { return skip_; }

 private:
  // SAX2 attributes come as (localname, prefix, URI, value begin, value end) tuples.
  std::string Find(std::string_view local_name, bool namespaced) const {
    for (int i = 0; i < attribute_count_; ++i) {
      const xmlChar** attribute = attributes_ + 5 * i;
      if (AsView(attribute[0]) != local_name || (attribute[2] != nullptr) != namespaced) {
        continue;
      }
      std::string value(reinterpret_cast<const char*>(attribute[3]),
                        static_cast<size_t>(attribute[4] - attribute[3]));
      // Without entity substitution libxml2 hands '&' in attribute values on as "&#38;".
      for (size_t at = value.find("&#38;"); at != std::string::npos;
           at = value.find("&#38;", at + 1)) {
        value.replace(at, 5, "&");
      }
      return value;
    }
    return {};
  }

  std::string_view parent_;
  const xmlChar** attributes_;
  int attribute_count_;
  bool skip_ = false;
};

class PartVisitor {
 public:
  virtual ~PartVisitor() = default;
  virtual void StartElement(std::string_view /*name*/, XmlElement& /*element*/) {}
  virtual void EndElement(std::string_view /*name*/) {}
  virtual void Text(std::string_view /*text*/) {}
};

// SAX callbacks, not a reader or a tree: the visitor hears every element as it is parsed, so a
// part broken near its end still yields all the text before the break.
struct SaxState {
  PartVisitor* visitor = nullptr;
  xmlParserCtxtPtr context = nullptr;
  std::vector<std::string> open;  // local names of the open elements
  size_t skip_depth = 0;          // open.size() when skipping began; 0 when not skipping
  bool saw_doctype = false;
  std::string first_error;
  int error_line = 0;
};

SaxState& StateOf(void* user_data) { return *static_cast<SaxState*>(user_data); }

void OnStartElement(void* user_data, const xmlChar* local_name, const xmlChar* /*prefix*/,
                    const xmlChar* /*uri*/, int /*namespace_count*/, const xmlChar** /*namespaces*/,
                    int attribute_count, int /*defaulted*/, const xmlChar** attributes) {
  SaxState& state = StateOf(user_data);
  const std::string_view name = AsView(local_name);
  if (state.skip_depth == 0) {
    XmlElement element(state.open.empty() ? std::string_view() : state.open.back(), attributes,
                       attribute_count);
    state.visitor->StartElement(name, element);
    if (element.skip_requested()) {
      state.skip_depth = state.open.size() + 1;
    }
  }
  state.open.emplace_back(name);
}

void OnEndElement(void* user_data, const xmlChar* local_name, const xmlChar* /*prefix*/,
                  const xmlChar* /*uri*/) {
  SaxState& state = StateOf(user_data);
  if (state.skip_depth == 0) {
    state.visitor->EndElement(AsView(local_name));
  } else if (state.skip_depth == state.open.size()) {
    state.skip_depth = 0;
  }
  if (!state.open.empty()) {
    state.open.pop_back();
  }
}

void OnCharacters(void* user_data, const xmlChar* text, int length) {
  SaxState& state = StateOf(user_data);
  if (state.skip_depth == 0 && length > 0) {
    state.visitor->Text(
        std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(length)));
  }
}

// Office never writes a DOCTYPE; one in a part is an attempt at entity tricks (XXE, billion
// laughs), so parsing stops before the internal subset is read.
void OnDoctype(void* user_data, const xmlChar* /*name*/, const xmlChar* /*external_id*/,
               const xmlChar* /*system_id*/) {
  SaxState& state = StateOf(user_data);
  state.saw_doctype = true;
  xmlStopParser(state.context);
}

void OnError(void* user_data, xmlErrorPtr error) {
  SaxState& state = StateOf(user_data);
  if (error == nullptr || error->level < XML_ERR_ERROR || !state.first_error.empty()) {
    return;
  }
  const std::string message = error->message != nullptr ? error->message : "unknown error";
  state.first_error = std::string(TrimWhitespace(message));
  state.error_line = error->line;
}

struct ParserContextFree {
  void operator()(xmlParserCtxt* context) const { xmlFreeParserCtxt(context); }
};

// Streams `xml` through `visitor`. Returns an empty string when the whole part was read, else
// why reading stopped; everything reported before the damage stands.
std::string WalkXml(std::string_view xml, PartVisitor& visitor) {
  InitLibxml2Once();
  if (xml.size() > static_cast<size_t>(INT_MAX)) {
    return "part is larger than libxml2 reads (2 GiB)";
  }
  std::unique_ptr<xmlParserCtxt, ParserContextFree> context(
      xmlCreateMemoryParserCtxt(xml.data(), static_cast<int>(xml.size())));
  if (context == nullptr) {
    return "libxml2 could not start reading the part";
  }
  xmlSAXHandler handler{};
  handler.initialized = XML_SAX2_MAGIC;
  handler.startElementNs = OnStartElement;
  handler.endElementNs = OnEndElement;
  handler.characters = OnCharacters;
  handler.ignorableWhitespace = OnCharacters;
  handler.cdataBlock = OnCharacters;
  handler.internalSubset = OnDoctype;
  handler.serror = OnError;
  *context->sax = handler;
  SaxState state;
  state.visitor = &visitor;
  state.context = context.get();
  context->userData = &state;
  // No XML_PARSE_NOENT, DTDLOAD or DTDATTR: entities are never expanded and no DTD is
  // fetched; NONET forbids network access outright.
  xmlCtxtUseOptions(context.get(), XML_PARSE_NONET | XML_PARSE_NOWARNING);
  xmlParseDocument(context.get());
  if (state.saw_doctype) {
    return "part has a DOCTYPE, which Office never writes; not read";
  }
  if (context->wellFormed != 0) {
    return {};
  }
  if (state.first_error.empty()) {
    return "malformed XML";
  }
  return "malformed XML at line " + std::to_string(state.error_line) + ": " + state.first_error;
}

// ---------------------------------------------------------------------------------------------
// Visitors

// Word paragraphs and DrawingML text bodies (slides, notes, text boxes) share one shape:
// text in <t>, a line per <p>, breaks and tabs as elements.
class RichTextVisitor : public PartVisitor {
 public:
  explicit RichTextVisitor(std::string* out) : out_(out) {}

  void StartElement(std::string_view name, XmlElement& element) override {
    if (name == "t") {
      in_text_ = true;
    } else if ((name == "tab" || name == "ptab") && element.parent() == "r") {
      // A <w:tab> elsewhere (inside <w:tabs>) defines a tab stop, not a tab character.
      *out_ += '\t';
    } else if ((name == "br" || name == "cr") &&
               (element.parent() == "r" || element.parent() == "p")) {
      *out_ += '\n';
    } else if (name == "noBreakHyphen") {
      *out_ += '-';
    } else if (name == "Fallback" || name == "instrText" || name == "delText" ||
               name == "delInstrText" || name == "fldData") {
      // Fallback repeats the Choice next to it (VML copies of text boxes); field codes and
      // deleted revisions are not what the reader sees.
      element.SkipContent();
    } else if (name == "fld" && element.Attribute("type") == "slidenum") {
      element.SkipContent();  // the page number on every notes page is noise
    }
  }

  void EndElement(std::string_view name) override {
    if (name == "t") {
      in_text_ = false;
    } else if (name == "p") {
      *out_ += '\n';
    }
  }

  void Text(std::string_view text) override {
    if (in_text_) {
      *out_ += text;
    }
  }

 private:
  std::string* out_;
  bool in_text_ = false;
};

class SharedStringsVisitor : public PartVisitor {
 public:
  explicit SharedStringsVisitor(std::vector<std::string>* strings) : strings_(strings) {}

  void StartElement(std::string_view name, XmlElement& element) override {
    if (name == "si") {
      current_.clear();
    } else if (name == "t") {
      in_text_ = true;
    } else if (name == "rPh") {
      element.SkipContent();  // phonetic reading (furigana) of the Japanese text beside it
    }
  }
  void EndElement(std::string_view name) override {
    if (name == "t") {
      in_text_ = false;
    } else if (name == "si") {
      strings_->push_back(std::move(current_));
      current_.clear();
    }
  }
  void Text(std::string_view text) override {
    if (in_text_) {
      current_ += text;
    }
  }

 private:
  std::vector<std::string>* strings_;
  std::string current_;
  bool in_text_ = false;
};

class WorksheetVisitor : public PartVisitor {
 public:
  WorksheetVisitor(const std::vector<std::string>& shared, std::string* out)
      : shared_(shared), out_(out) {}

  void StartElement(std::string_view name, XmlElement& element) override {
    if (name == "row") {
      cells_.clear();
    } else if (name == "c") {
      cell_type_ = element.Attribute("t");
      value_.clear();
      in_cell_ = true;
    } else if (name == "v" && in_cell_) {
      in_value_ = true;
    } else if (name == "t" && in_cell_) {
      in_value_ = true;  // <is><t> of an inline string
    } else if (name == "f" || name == "rPh") {
      element.SkipContent();  // formulas are not what the cell shows
    }
  }

  void EndElement(std::string_view name) override {
    if (name == "v" || name == "t") {
      in_value_ = false;
    } else if (name == "c") {
      in_cell_ = false;
      std::string shown = CellText();
      if (!shown.empty()) {
        cells_.push_back(std::move(shown));
      }
    } else if (name == "row") {
      FlushRow();
    } else if (name == "sheetData") {
      FlushRow();  // cells written without <row> (not valid, but seen from generators)
    }
  }

  void Text(std::string_view text) override {
    if (in_value_) {
      value_ += text;
    }
  }

 private:
  std::string CellText() const {
    if (cell_type_ == "s") {
      char* end = nullptr;
      const unsigned long index = std::strtoul(value_.c_str(), &end, 10);
      if (end != value_.c_str() && index < shared_.size()) {
        return shared_[index];
      }
      return {};
    }
    if (cell_type_ == "b") {
      return value_ == "1" ? "TRUE" : value_ == "0" ? "FALSE" : value_;
    }
    return value_;  // n, str, inlineStr, e, d: as written
  }

  void FlushRow() {
    if (cells_.empty()) {
      return;
    }
    for (size_t i = 0; i < cells_.size(); ++i) {
      *out_ += i == 0 ? "" : "\t";
      *out_ += cells_[i];
    }
    *out_ += '\n';
    cells_.clear();
  }

  const std::vector<std::string>& shared_;
  std::string* out_;
  std::vector<std::string> cells_;
  std::string cell_type_;
  std::string value_;
  bool in_cell_ = false;
  bool in_value_ = false;
};

struct Relationship {
  std::string id;
  std::string type;    // the last segment of the type URI: "header", "slide", "worksheet"
  std::string target;  // resolved part name ("word/header1.xml"); empty for external targets
};

class RelationshipsVisitor : public PartVisitor {
 public:
  RelationshipsVisitor(std::string_view source_dir, std::vector<Relationship>* out)
      : source_dir_(source_dir), out_(out) {}

  void StartElement(std::string_view name, XmlElement& element) override {
    if (name != "Relationship" || EqualsIgnoreCase(element.Attribute("TargetMode"), "External")) {
      return;
    }
    Relationship rel;
    rel.id = element.Attribute("Id");
    std::string type = element.Attribute("Type");
    const size_t slash = type.rfind('/');
    rel.type = slash == std::string::npos ? type : type.substr(slash + 1);
    rel.target = ResolveTarget(element.Attribute("Target"));
    if (!rel.target.empty()) {
      out_->push_back(std::move(rel));
    }
  }

 private:
  // Part names are relative to the source part's folder unless they start with '/'.
  std::string ResolveTarget(std::string_view target) const {
    std::vector<std::string_view> segments;
    auto push_path = [&](std::string_view path) {
      while (!path.empty()) {
        const size_t slash = path.find('/');
        const std::string_view segment = path.substr(0, slash);
        if (segment == "..") {
          if (!segments.empty()) {
            segments.pop_back();
          }
        } else if (!segment.empty() && segment != ".") {
          segments.push_back(segment);
        }
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
      }
    };
    if (!target.starts_with('/')) {
      push_path(source_dir_);
    }
    push_path(target);
    std::string out;
    for (std::string_view segment : segments) {
      out += out.empty() ? "" : "/";
      out += segment;
    }
    return out;
  }

  std::string_view source_dir_;
  std::vector<Relationship>* out_;
};

struct ContentTypes {
  std::map<std::string, std::string> by_extension;  // lower-case extension -> type
  std::map<std::string, std::string> by_part;       // lower-case part name, no '/' -> type
};

class ContentTypesVisitor : public PartVisitor {
 public:
  explicit ContentTypesVisitor(ContentTypes* out) : out_(out) {}
  void StartElement(std::string_view name, XmlElement& element) override {
    if (name == "Default") {
      out_->by_extension[AsciiLower(element.Attribute("Extension"))] =
          AsciiLower(element.Attribute("ContentType"));
    } else if (name == "Override") {
      std::string part = AsciiLower(element.Attribute("PartName"));
      if (part.starts_with('/')) {
        part.erase(0, 1);
      }
      out_->by_part[part] = AsciiLower(element.Attribute("ContentType"));
    }
  }

 private:
  ContentTypes* out_;
};

// Collects the text of the listed elements, e.g. {"title", "creator", "created"} in core.xml.
class FieldsVisitor : public PartVisitor {
 public:
  explicit FieldsVisitor(std::map<std::string, std::string>* fields) : fields_(fields) {}
  void StartElement(std::string_view name, XmlElement& /*element*/) override {
    current_ = fields_->find(std::string(name));
  }
  void EndElement(std::string_view /*name*/) override { current_ = fields_->end(); }
  void Text(std::string_view text) override {
    if (current_ != fields_->end()) {
      current_->second += text;
    }
  }

 private:
  std::map<std::string, std::string>* fields_;
  std::map<std::string, std::string>::iterator current_ = fields_->end();
};

// Attributes of every element called `element_name`, in document order.
class ListVisitor : public PartVisitor {
 public:
  struct Entry {
    std::string name;
    std::string relationship_id;
  };
  ListVisitor(std::string_view element_name, std::vector<Entry>* out)
      : element_name_(element_name), out_(out) {}
  void StartElement(std::string_view name, XmlElement& element) override {
    if (name == element_name_) {
      out_->push_back({element.Attribute("name"), element.NamespacedAttribute("id")});
    }
  }

 private:
  std::string_view element_name_;
  std::vector<Entry>* out_;
};

// ---------------------------------------------------------------------------------------------
// The package

struct Part {
  std::string name;  // as stored in the zip
  std::string bytes;
};

enum class DocumentKind { kWord, kPresentation, kWorkbook };

class Package {
 public:
  Package(std::map<std::string, Part> parts, DocumentText* result)
      : parts_(std::move(parts)), result_(result) {}

  // Part names are case-insensitive (OPC); keys are lower-cased.
  const Part* Find(std::string_view name) const {
    auto it = parts_.find(AsciiLower(name));
    return it == parts_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, Part>& parts() const { return parts_; }
  std::map<std::string, Part>& mutable_parts() { return parts_; }

  void Warn(std::string warning) { result_->warnings.push_back(std::move(warning)); }

  // Walks a part, turning damage into a warning that names it. False when the part is absent.
  bool Walk(std::string_view name, PartVisitor& visitor) {
    const Part* part = Find(name);
    if (part == nullptr) {
      return false;
    }
    std::string problem = WalkXml(part->bytes, visitor);
    if (!problem.empty()) {
      Warn(part->name + ": " + problem);
    }
    return true;
  }

  std::vector<Relationship> RelationshipsOf(std::string_view source_part) {
    const size_t slash = source_part.rfind('/');
    const std::string_view dir =
        slash == std::string_view::npos ? std::string_view() : source_part.substr(0, slash);
    const std::string_view file =
        slash == std::string_view::npos ? source_part : source_part.substr(slash + 1);
    std::string rels_name =
        std::string(dir) + (dir.empty() ? "" : "/") + "_rels/" + std::string(file) + ".rels";
    std::vector<Relationship> rels;
    RelationshipsVisitor visitor(dir, &rels);
    Walk(rels_name, visitor);
    return rels;
  }

  // Walks `name` as rich text into the document text, as one section. Missing parts are
  // reported only when the zip was whole: after damage the damage warning says it all.
  void AppendRichText(std::string_view name) {
    std::string section;
    RichTextVisitor visitor(&section);
    if (!Walk(name, visitor)) {
      if (!zip_damaged_) {
        Warn(std::string(name) + ": referenced but missing from the package");
      }
      return;
    }
    AppendSection(section);
  }

  void AppendSection(std::string_view section) {
    if (section.empty()) {
      return;
    }
    result_->text += result_->text.empty() ? "" : "\n";
    result_->text += section;
    if (!result_->text.ends_with('\n')) {
      result_->text += '\n';
    }
  }

  void set_zip_damaged() { zip_damaged_ = true; }

 private:
  std::map<std::string, Part> parts_;
  DocumentText* result_;
  bool zip_damaged_ = false;
};

// The number in a part name ("slide12.xml" -> 12), for numeric order when no list gives one.
uint64_t PartNumber(std::string_view name) {
  const size_t dot = name.rfind('.');
  size_t end = dot == std::string_view::npos ? name.size() : dot;
  size_t begin = end;
  while (begin > 0 && name[begin - 1] >= '0' && name[begin - 1] <= '9') {
    --begin;
  }
  uint64_t number = 0;
  for (size_t i = begin; i < end && i < begin + 18; ++i) {
    number = number * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  return number;
}

void SortByPartNumber(std::vector<std::string>* names) {
  std::stable_sort(names->begin(), names->end(), [](const std::string& a, const std::string& b) {
    return PartNumber(a) < PartNumber(b);
  });
}

// Lower-cased part names under `folder` ("ppt/slides/") that end in ".xml", numerically.
std::vector<std::string> PartsIn(const Package& package, std::string_view folder) {
  std::vector<std::string> names;
  for (const auto& [key, part] : package.parts()) {
    if (key.starts_with(folder) && key.ends_with(".xml") &&
        key.find('/', folder.size()) == std::string::npos) {
      names.push_back(key);
    }
  }
  SortByPartNumber(&names);
  return names;
}

std::vector<std::string> TargetsOfType(const std::vector<Relationship>& rels,
                                       std::string_view type) {
  std::vector<std::string> targets;
  for (const Relationship& rel : rels) {
    if (rel.type == type) {
      targets.push_back(rel.target);
    }
  }
  SortByPartNumber(&targets);
  return targets;
}

const Relationship* FindById(const std::vector<Relationship>& rels, std::string_view id) {
  for (const Relationship& rel : rels) {
    if (rel.id == id) {
      return &rel;
    }
  }
  return nullptr;
}

void ReadWord(Package& package, const std::string& main_part) {
  std::string body;
  RichTextVisitor visitor(&body);
  package.Walk(main_part, visitor);
  package.AppendSection(body);
  const std::vector<Relationship> rels = package.RelationshipsOf(main_part);
  for (std::string_view type :
       {"footnotes"sv, "endnotes"sv, "header"sv, "footer"sv, "comments"sv}) {
    for (const std::string& target : TargetsOfType(rels, type)) {
      package.AppendRichText(target);
    }
  }
}

void ReadPresentation(Package& package, const std::string& main_part) {
  const std::vector<Relationship> rels = package.RelationshipsOf(main_part);
  std::vector<ListVisitor::Entry> slide_ids;
  ListVisitor list("sldId", &slide_ids);
  package.Walk(main_part, list);
  std::vector<std::string> slides;
  for (const ListVisitor::Entry& entry : slide_ids) {
    if (const Relationship* rel = FindById(rels, entry.relationship_id)) {
      slides.push_back(rel->target);
    }
  }
  if (slides.empty()) {
    slides = TargetsOfType(rels, "slide");
  }
  if (slides.empty()) {
    slides = PartsIn(package, "ppt/slides/");
  }
  for (const std::string& slide : slides) {
    package.AppendRichText(slide);
    for (const std::string& notes : TargetsOfType(package.RelationshipsOf(slide), "notesSlide")) {
      package.AppendRichText(notes);
    }
  }
}

void ReadWorkbook(Package& package, const std::string& main_part) {
  const std::vector<Relationship> rels = package.RelationshipsOf(main_part);
  std::vector<std::string> shared;
  for (const std::string& target : TargetsOfType(rels, "sharedStrings")) {
    SharedStringsVisitor visitor(&shared);
    package.Walk(target, visitor);
  }
  std::vector<ListVisitor::Entry> sheets;
  ListVisitor list("sheet", &sheets);
  package.Walk(main_part, list);
  std::vector<std::pair<std::string, std::string>> ordered;  // sheet name, part name
  for (const ListVisitor::Entry& sheet : sheets) {
    const Relationship* rel = FindById(rels, sheet.relationship_id);
    // Chart sheets and dialog sheets hold no cells; their name is still worth a line.
    ordered.emplace_back(sheet.name, rel != nullptr && rel->type == "worksheet" ? rel->target : "");
  }
  if (ordered.empty()) {
    for (const std::string& part : PartsIn(package, "xl/worksheets/")) {
      ordered.emplace_back("", part);
    }
  }
  for (const auto& [sheet_name, part_name] : ordered) {
    std::string section = sheet_name.empty() ? "" : sheet_name + "\n";
    if (!part_name.empty()) {
      WorksheetVisitor visitor(shared, &section);
      if (!package.Walk(part_name, visitor)) {
        package.Warn(part_name + ": referenced but missing from the package");
      }
    }
    package.AppendSection(section);
  }
}

// W3CDTF as written by Office: "2013-06-03T09:15:02Z", sometimes with ".123" or "+02:00".
UtcMillis ParseW3cDate(std::string_view text) {
  text = TrimWhitespace(text);
  int64_t offset_minutes = 0;
  if (text.size() > 6 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-') &&
      text[text.size() - 3] == ':') {
    const std::string_view zone = text.substr(text.size() - 5);
    const int hours = (zone[0] - '0') * 10 + (zone[1] - '0');
    const int minutes = (zone[3] - '0') * 10 + (zone[4] - '0');
    offset_minutes = hours * 60 + minutes;
    if (text[text.size() - 6] == '-') {
      offset_minutes = -offset_minutes;
    }
    text.remove_suffix(6);
  }
  auto parsed = ParseUtc(text);
  if (!parsed.ok()) {
    return 0;
  }
  return parsed->millis - offset_minutes * 60'000;
}

void ReadCoreProperties(Package& package, DocumentText* result) {
  std::map<std::string, std::string> fields = {{"title", ""}, {"creator", ""}, {"created", ""}};
  FieldsVisitor visitor(&fields);
  if (!package.Walk("docProps/core.xml", visitor)) {
    return;
  }
  result->title = std::string(TrimWhitespace(fields["title"]));
  result->author = std::string(TrimWhitespace(fields["creator"]));
  result->created = ParseW3cDate(fields["created"]);
}

// Runs last: the embedded bytes are moved out of the package.
void CollectEmbeddings(Package& package, const ContentTypes& types, DocumentText* result) {
  for (auto& [key, part] : package.mutable_parts()) {
    if (!key.starts_with("word/embeddings/") && !key.starts_with("ppt/embeddings/") &&
        !key.starts_with("xl/embeddings/")) {
      continue;
    }
    EmbeddedFile file;
    file.name = part.name.substr(part.name.find('/') + 1);
    if (auto it = types.by_part.find(key); it != types.by_part.end()) {
      file.media_type = it->second;
    } else if (auto ext = types.by_extension.find(FileExtension(key));
               ext != types.by_extension.end()) {
      file.media_type = ext->second;
    }
    file.bytes = std::move(part.bytes);
    result->embedded.push_back(std::move(file));
  }
}

// Collapses runs of empty lines to one, trims spaces at line ends and the whole text's edges.
std::string TidyLines(std::string_view text) {
  std::string out;
  size_t empty_run = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      ++empty_run;
    } else {
      if (!out.empty()) {
        out += empty_run > 0 ? "\n\n" : "\n";
      }
      out += line;
      empty_run = 0;
    }
    start = end + 1;
  }
  return out;
}

Status NotOoxml(std::string_view file_name, std::string_view why) {
  std::string message = "not an Office Open XML document";
  if (!file_name.empty()) {
    message += " ('" + std::string(BaseName(file_name)) + "')";
  }
  return Status::InvalidArgument(message + ": " + std::string(why));
}

// Password-protected Office files are not zips at all: Office wraps the encrypted zip in an
// OLE2 compound file with an "EncryptedPackage" stream.
constexpr std::string_view kOle2Magic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"sv;
constexpr std::string_view kEncryptedPackageUtf16 =
    "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0"sv;

bool IsMediaPart(std::string_view lower_name) {
  return lower_name.find("/media/") != std::string_view::npos ||
         lower_name.starts_with("docprops/thumbnail");
}

Result<DocumentText> Extract(std::string_view bytes, std::string_view file_name,
                             const ArchiveLimits& limits) {
  if (bytes.starts_with(kOle2Magic)) {
    if (bytes.find(kEncryptedPackageUtf16) != std::string_view::npos) {
      return Status::Unimplemented("Office document is encrypted; no password was given");
    }
    return NotOoxml(file_name, "an OLE2 compound file (a legacy .doc, .xls or .ppt?)");
  }
  if (!bytes.starts_with("PK\x03\x04"sv)) {
    return NotOoxml(file_name, "not a zip package");
  }
  auto opened = ArchiveReader::OpenMemory(bytes, limits, file_name);
  if (!opened.ok()) {
    return NotOoxml(file_name, "the zip cannot be opened: " + opened.error().message());
  }
  ArchiveReader& reader = **opened;

  DocumentText result;
  std::map<std::string, Part> parts;
  std::optional<Status> damage;
  std::optional<Status> limit_hit;  // a part over max_entry_bytes: the reason if nothing else reads
  ArchiveEntry entry;
  while (true) {
    auto next = reader.Next(&entry);
    if (!next.ok()) {
      damage = next.error();
      break;
    }
    if (!*next) {
      break;
    }
    if (entry.type != EntryType::kFile && entry.type != EntryType::kOther) {
      continue;  // links and devices carry no part
    }
    std::string key = AsciiLower(entry.path);
    if (key.starts_with('/')) {
      key.erase(0, 1);
    }
    if (IsMediaPart(key)) {
      continue;
    }
    if (!entry.complete) {
      // An encrypted, oversized or cut-short part: reported; a cut XML part still gives the text
      // before the cut (the SAX reader keeps it), a cut embedding is not worth keeping.
      result.warnings.push_back(entry.path + ": " + entry.problem);
      if (entry.bytes.empty() || key.find("embeddings/") != std::string::npos) {
        if (entry.problem.find("max_entry_bytes") != std::string::npos && !limit_hit) {
          limit_hit = Status::ResourceExhausted(entry.path + ": " + entry.problem);
        }
        continue;
      }
    }
    parts[key] = Part{std::move(entry.path), std::move(entry.bytes)};
  }
  if (damage) {
    result.warnings.push_back("the zip is damaged; parts after the damage were not read (" +
                              damage->message() + ")");
  }

  Package package(std::move(parts), &result);
  if (damage) {
    package.set_zip_damaged();
  }
  ContentTypes types;
  ContentTypesVisitor types_visitor(&types);
  package.Walk("[Content_Types].xml", types_visitor);

  // The package relationship names the main part; the usual names are the fallback.
  std::string main_part;
  for (const Relationship& rel : package.RelationshipsOf("")) {
    if (rel.type == "officeDocument" && package.Find(rel.target) != nullptr) {
      main_part = AsciiLower(rel.target);
      break;
    }
  }
  if (main_part.empty()) {
    for (std::string_view candidate :
         {"word/document.xml"sv, "ppt/presentation.xml"sv, "xl/workbook.xml"sv}) {
      if (package.Find(candidate) != nullptr) {
        main_part = candidate;
        break;
      }
    }
  }
  if (main_part.empty() || (limit_hit && parts.find(main_part) == parts.end())) {
    if (limit_hit) {
      return *limit_hit;
    }
    if (damage) {
      return Status(damage->code(),
                    "Office document is damaged before its main part: " + damage->message());
    }
    return NotOoxml(file_name, "no word/document.xml, ppt/presentation.xml or xl/workbook.xml");
  }

  std::optional<DocumentKind> kind;
  const auto type_it = types.by_part.find(main_part);
  const std::string main_type = type_it == types.by_part.end() ? "" : type_it->second;
  if (main_type.find("wordprocessingml") != std::string::npos ||
      main_type.find("ms-word") != std::string::npos || main_part.starts_with("word/")) {
    kind = DocumentKind::kWord;
  } else if (main_type.find("presentationml") != std::string::npos ||
             main_type.find("ms-powerpoint") != std::string::npos ||
             main_part.starts_with("ppt/")) {
    kind = DocumentKind::kPresentation;
  } else if (main_type.find("spreadsheetml") != std::string::npos ||
             main_type.find("ms-excel") != std::string::npos || main_part.starts_with("xl/")) {
    kind = DocumentKind::kWorkbook;
  }
  if (!kind) {
    return NotOoxml(file_name, "main part '" + main_part + "' is not Word, PowerPoint or Excel");
  }

  switch (*kind) {
    case DocumentKind::kWord:
      ReadWord(package, main_part);
      break;
    case DocumentKind::kPresentation:
      ReadPresentation(package, main_part);
      break;
    case DocumentKind::kWorkbook:
      ReadWorkbook(package, main_part);
      break;
  }
  ReadCoreProperties(package, &result);
  CollectEmbeddings(package, types, &result);
  result.text = TidyLines(result.text);

  if (result.text.empty() && result.embedded.empty() && !result.warnings.empty()) {
    std::string reasons;
    for (const std::string& warning : result.warnings) {
      reasons += reasons.empty() ? "" : "; ";
      reasons += warning;
    }
    return Status::Corruption("no text could be read from the Office document: " + reasons);
  }
  return result;
}

}  // namespace

bool LooksLikeOoxml(std::string_view head, std::string_view file_name) {
  static constexpr std::array<std::string_view, 14> kExtensions = {
      "docx", "docm", "dotx", "dotm", "pptx", "pptm", "potx",
      "potm", "ppsx", "ppsm", "xlsx", "xlsm", "xltx", "xltm"};
  const std::string extension = FileExtension(BaseName(file_name));
  if (std::find(kExtensions.begin(), kExtensions.end(), extension) != kExtensions.end()) {
    return true;
  }
  if (!head.starts_with("PK\x03\x04"sv)) {
    return false;
  }
  // Member names sit in clear text after each local header signature (offset 30), even when
  // the data is deflated, so the first few KB name the first parts.
  constexpr std::string_view kLocalHeader = "PK\x03\x04"sv;
  for (size_t at = head.find(kLocalHeader); at != std::string_view::npos;
       at = head.find(kLocalHeader, at + kLocalHeader.size())) {
    if (at + 30 > head.size()) {
      break;
    }
    const size_t name_length =
        static_cast<unsigned char>(head[at + 26]) |
        (static_cast<size_t>(static_cast<unsigned char>(head[at + 27])) << 8);
    const std::string name = AsciiLower(head.substr(at + 30, name_length));
    if (name.starts_with("word/") || name.starts_with("ppt/") || name.starts_with("xl/")) {
      return true;
    }
  }
  return false;
}

Result<DocumentText> ExtractOoxmlText(std::string_view bytes, std::string_view file_name,
                                      const ArchiveLimits& limits) {
  // Nothing below throws by design; std::bad_alloc on a hostile part is the one thing that
  // could, and it must not cross into the pipeline.
  try {
    return Extract(bytes, file_name, limits);
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory reading the Office document");
  }
}

}  // namespace docket
