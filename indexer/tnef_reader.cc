/** @file
 *  @brief libytnef adapter. The attribute framing is checked here before libytnef sees the bytes:
 *         libytnef allocates whatever length an attribute claims and exits the process when an
 *         allocation fails, so only complete, in-bounds attributes are handed to it.
 */
#include "indexer/tnef_reader.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>  // ytnef.h uses FILE and size_t without including their headers
#include <cstring>

extern "C" {
#include <ytnef.h>
}

#include "common/strings.h"
#include "indexer/charset_converter.h"
#include "indexer/html_text.h"

namespace docket {
namespace {

constexpr uint32_t kTnefSignature = 0x223E9F78;
// level (1) + attribute id (4) + length (4) before the data, checksum (2) after it.
constexpr size_t kAttributeOverhead = 11;

// MAPI property ids (mapidefs.h names them too; these are the ones read here).
constexpr unsigned kPrMessageClass = 0x001A;
constexpr unsigned kPrSubject = 0x0037;
constexpr unsigned kPrBody = 0x1000;
constexpr unsigned kPrRtfCompressed = 0x1009;
constexpr unsigned kPrHtml = 0x1013;
constexpr unsigned kPrInternetCodepage = 0x3FDE;
constexpr unsigned kPrAttachDataObject = 0x3701;
constexpr unsigned kPrAttachLongFilename = 0x3707;
constexpr unsigned kPrAttachMimeTag = 0x370E;

uint32_t ReadLe32(std::string_view bytes, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 3])) << 24;
}

std::string Hex32(uint32_t value) {
  std::array<char, 11> text{};
  std::snprintf(text.data(), text.size(), "0x%08X", value);
  return text.data();
}

// Makes `stream` safe and complete for libytnef: where the attribute framing breaks, the rest is
// cut off; a wrong checksum is corrected (libytnef stops at one, and would lose every attribute
// after it). Both are reported in `warnings`.
void RepairFraming(std::string* stream, std::vector<std::string>* warnings) {
  std::string_view bytes = *stream;
  size_t pos = 6;  // signature + legacy key
  int bad_checksums = 0;
  while (pos < bytes.size()) {
    size_t remaining = bytes.size() - pos;
    if (remaining < kAttributeOverhead) {
      warnings->push_back("TNEF stream truncated at offset " + std::to_string(pos) +
                          ": an attribute header needs 11 bytes, " + std::to_string(remaining) +
                          " remain");
      stream->resize(pos);
      return;
    }
    unsigned level = static_cast<unsigned char>(bytes[pos]);
    uint32_t id = ReadLe32(bytes, pos + 1);
    uint32_t length = ReadLe32(bytes, pos + 5);
    if (level != LVL_MESSAGE && level != LVL_ATTACHMENT) {
      warnings->push_back("TNEF attribute at offset " + std::to_string(pos) +
                          " has an unknown level " + std::to_string(level) +
                          "; the rest of the stream was not read");
      stream->resize(pos);
      return;
    }
    if (length > remaining - kAttributeOverhead) {
      warnings->push_back("TNEF stream truncated at offset " + std::to_string(pos) +
                          ": attribute " + Hex32(id) + " claims " + std::to_string(length) +
                          " bytes, " + std::to_string(remaining - kAttributeOverhead) + " remain");
      stream->resize(pos);
      return;
    }
    uint32_t sum = 0;
    for (size_t i = 0; i < length; ++i) {
      sum += static_cast<unsigned char>(bytes[pos + 9 + i]);
    }
    size_t checksum_at = pos + 9 + length;
    uint32_t checksum = static_cast<unsigned char>(bytes[checksum_at]) |
                        static_cast<uint32_t>(static_cast<unsigned char>(bytes[checksum_at + 1]))
                            << 8;
    if ((sum & 0xFFFF) != checksum) {
      ++bad_checksums;
      (*stream)[checksum_at] = static_cast<char>(sum & 0xFF);
      (*stream)[checksum_at + 1] = static_cast<char>((sum >> 8) & 0xFF);
    }
    pos += kAttributeOverhead + length;
  }
  if (bad_checksums > 0) {
    warnings->push_back(std::to_string(bad_checksums) +
                        " TNEF attribute(s) have a wrong checksum; their content was read as is");
  }
}

std::string_view PropertyBytes(MAPIProps* props, unsigned type, unsigned id) {
  variableLength* value = MAPIFindProperty(props, PROP_TAG(type, id));
  if (value == MAPI_UNDEFINED || value == nullptr || value->data == nullptr || value->size <= 0) {
    return {};
  }
  return {reinterpret_cast<const char*>(value->data), static_cast<size_t>(value->size)};
}

std::string_view UpToNul(std::string_view bytes) { return bytes.substr(0, bytes.find('\0')); }

class TnefTextDecoder {
 public:
  TnefTextDecoder(std::string code_page, std::vector<std::string>* warnings)
      : code_page_(std::move(code_page)), warnings_(warnings) {}

  // An 8-bit string in the message's code page.
  std::string Legacy(std::string_view bytes, std::string_view what) {
    return Convert(UpToNul(bytes), code_page_, what);
  }

  // A PT_UNICODE value. libytnef 2.x has already turned it into NUL-terminated UTF-8 (in a
  // buffer the size of the UTF-16 original); older versions hand over the UTF-16LE itself.
  std::string Unicode(std::string_view bytes, std::string_view what) {
    if (bytes.size() >= 2 && bytes[0] != '\0' && bytes[1] == '\0') {
      size_t end = 0;
      while (end + 1 < bytes.size() && (bytes[end] != '\0' || bytes[end + 1] != '\0')) {
        end += 2;
      }
      return Convert(bytes.substr(0, end), "UTF-16LE", what);
    }
    return Convert(UpToNul(bytes), "UTF-8", what);
  }

  // PT_UNICODE if present, else PT_STRING8; empty when neither.
  std::string Property(MAPIProps* props, unsigned id, std::string_view what) {
    if (std::string_view wide = PropertyBytes(props, PT_UNICODE, id); !wide.empty()) {
      return Unicode(wide, what);
    }
    if (std::string_view narrow = PropertyBytes(props, PT_STRING8, id); !narrow.empty()) {
      return Legacy(narrow, what);
    }
    return {};
  }

  std::string Convert(std::string_view bytes, std::string_view charset, std::string_view what) {
    if (bytes.empty()) {
      return {};
    }
    Result<DecodedText> decoded = ConvertToUtf8(bytes, charset);
    if (!decoded.ok()) {
      warnings_->push_back(std::string(what) + ": " + decoded.error().message());
      return {};
    }
    if (!decoded->warning.empty()) {
      warnings_->push_back(std::string(what) + ": " + decoded->warning);
    }
    return std::move(decoded->utf8);
  }

 private:
  std::string code_page_;
  std::vector<std::string>* warnings_;
};

UtcMillis DtrToUtc(const dtr& date) {
  if (date.wYear < 1601 || date.wMonth < 1 || date.wMonth > 12 || date.wDay < 1 || date.wDay > 31 ||
      date.wHour > 23 || date.wMinute > 59 || date.wSecond > 60) {
    return 0;
  }
  return UtcFromCivil(date.wYear, date.wMonth, date.wDay, date.wHour, date.wMinute, date.wSecond);
}

// attOemCodepage holds the Windows code page of the 8-bit attributes (e.g. 1252, 936).
std::string CodePageName(const variableLength& code_page) {
  if (code_page.data == nullptr || code_page.size < 4) {
    return "windows-1252";
  }
  uint32_t number =
      ReadLe32(std::string_view(reinterpret_cast<const char*>(code_page.data), code_page.size), 0);
  switch (number) {
    case 0:
      return "windows-1252";
    case 65001:
      return "UTF-8";
    case 932:
      return "Shift_JIS";
    case 936:
      return "GBK";
    case 949:
      return "EUC-KR";
    case 950:
      return "Big5";
    default:
      return "windows-" + std::to_string(number);
  }
}

struct TnefFree {
  void operator()(TNEFStruct* tnef) const {
    TNEFFree(tnef);
    delete tnef;
  }
};

bool StartsWithTnefSignature(std::string_view bytes) {
  return bytes.size() >= 4 && ReadLe32(bytes, 0) == kTnefSignature;
}

}  // namespace

bool LooksLikeTnef(std::string_view head) { return StartsWithTnefSignature(head); }

Result<std::string> DecompressRtf(std::string_view compressed) {
  constexpr size_t kHeaderBytes = 16;
  constexpr uint32_t kCompressed = 0x75465A4C;    // "LZFu"
  constexpr uint32_t kUncompressed = 0x414C454D;  // "MELA"
  if (compressed.size() < kHeaderBytes) {
    return Status::Corruption("compressed RTF is " + std::to_string(compressed.size()) +
                              " bytes, shorter than its 16-byte header");
  }
  uint32_t compressed_size = ReadLe32(compressed, 0);
  uint32_t raw_size = ReadLe32(compressed, 4);
  uint32_t type = ReadLe32(compressed, 8);
  // The CRC at offset 12 is not checked: wrong ones are common in the wild and harmless here.
  // COMPSIZE counts the bytes after itself; a stream padded at the end is fine.
  if (compressed_size < 12 || compressed_size - 12 > compressed.size() - kHeaderBytes) {
    return Status::Corruption("compressed RTF header claims " + std::to_string(compressed_size) +
                              " bytes, " + std::to_string(compressed.size() - 4) + " present");
  }
  std::string_view data = compressed.substr(kHeaderBytes, compressed_size - 12);
  if (type == kUncompressed) {
    return std::string(data.substr(0, raw_size));
  }
  if (type != kCompressed) {
    return Status::Corruption("compressed RTF has an unknown type " + Hex32(type));
  }
  // [MS-OXRTFCP] 2.2.1: a 4096-byte ring dictionary that starts with this text.
  static constexpr std::string_view kPrebuffer =
      "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss "
      "\\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier"
      "{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
  constexpr size_t kDictionaryBytes = 4096;
  std::array<char, kDictionaryBytes> dictionary{};
  std::copy(kPrebuffer.begin(), kPrebuffer.end(), dictionary.begin());
  size_t write = kPrebuffer.size();

  std::string out;
  // Each input byte yields at most 17/2 output bytes, so this bounds a lying RAWSIZE.
  out.reserve(std::min<size_t>(raw_size, data.size() * 9));
  size_t in = 0;
  while (in < data.size()) {
    unsigned control = static_cast<unsigned char>(data[in++]);
    for (int bit = 0; bit < 8 && in < data.size(); ++bit, control >>= 1) {
      if ((control & 1) == 0) {
        char literal = data[in++];
        out += literal;
        dictionary[write] = literal;
        write = (write + 1) % kDictionaryBytes;
        continue;
      }
      if (in + 2 > data.size()) {
        return Status::Corruption("compressed RTF ends inside a dictionary reference");
      }
      unsigned reference = static_cast<unsigned>(static_cast<unsigned char>(data[in])) << 8 |
                           static_cast<unsigned char>(data[in + 1]);
      in += 2;
      size_t offset = reference >> 4;
      size_t length = (reference & 0xF) + 2;
      if (offset == write) {
        return out;  // the end marker
      }
      for (size_t i = 0; i < length; ++i) {
        char c = dictionary[(offset + i) % kDictionaryBytes];
        out += c;
        dictionary[write] = c;
        write = (write + 1) % kDictionaryBytes;
      }
    }
  }
  return out;  // no end marker: the data ran out first, keep what was decoded
}

Result<TnefContent> ParseTnef(std::string_view bytes) {
  if (!StartsWithTnefSignature(bytes)) {
    return Status::InvalidArgument("not a TNEF stream: the signature 0x223E9F78 is missing");
  }
  TnefContent content;
  std::string copy(bytes);  // libytnef wants a writable buffer, and the framing gets repaired
  RepairFraming(&copy, &content.warnings);
  std::unique_ptr<TNEFStruct, TnefFree> tnef(new TNEFStruct());
  TNEFInitialize(tnef.get());
  // TNEFInitialize leaves Debug alone, and any non-zero value makes libytnef printf its parse
  // trace to our stdout, which `docket ingest` owns.
  tnef->Debug = 0;
  int parse_result = TNEFParseMemory(reinterpret_cast<BYTE*>(copy.data()),
                                     static_cast<long>(copy.size()), tnef.get());

  TnefTextDecoder decode(CodePageName(tnef->CodePage), &content.warnings);
  MAPIProps* props = &tnef->MapiProperties;
  content.message_class = decode.Property(props, kPrMessageClass, "message class");
  if (content.message_class.empty()) {
    content.message_class =
        std::string(UpToNul(std::string_view(tnef->messageClass, sizeof(tnef->messageClass))));
  }
  content.subject = decode.Property(props, kPrSubject, "subject");
  if (content.subject.empty() && tnef->subject.data != nullptr && tnef->subject.size > 0) {
    content.subject = decode.Legacy({reinterpret_cast<const char*>(tnef->subject.data),
                                     static_cast<size_t>(tnef->subject.size)},
                                    "subject");
  }
  content.sent = DtrToUtc(tnef->dateSent);
  content.body_text = decode.Property(props, kPrBody, "body");
  if (content.body_text.empty() && tnef->body.data != nullptr && tnef->body.size > 0) {
    content.body_text = decode.Legacy(
        {reinterpret_cast<const char*>(tnef->body.data), static_cast<size_t>(tnef->body.size)},
        "body");
  }
  if (std::string_view html = PropertyBytes(props, PT_BINARY, kPrHtml); !html.empty()) {
    std::string charset;
    if (std::string_view cpid = PropertyBytes(props, PT_LONG, kPrInternetCodepage);
        cpid.size() >= 4) {
      variableLength code_page{const_cast<BYTE*>(reinterpret_cast<const BYTE*>(cpid.data())), 4};
      charset = CodePageName(code_page);
    }
    content.html_body = decode.Convert(UpToNul(html), charset, "HTML body");
    if (content.body_text.empty()) {
      content.body_text = HtmlToText(content.html_body);
    }
  }
  if (std::string_view rtf = PropertyBytes(props, PT_BINARY, kPrRtfCompressed); !rtf.empty()) {
    Result<std::string> decompressed = DecompressRtf(rtf);
    if (decompressed.ok()) {
      content.rtf_body = std::move(*decompressed);
    } else {
      content.warnings.push_back("RTF body: " + decompressed.error().message());
    }
  }

  int number = 0;
  for (Attachment* attachment = tnef->starting_attach.next; attachment != nullptr;
       attachment = attachment->next) {
    ++number;
    EmbeddedFile file;
    std::string what = "attachment " + std::to_string(number);
    file.name = decode.Property(&attachment->MAPI, kPrAttachLongFilename, what + " name");
    if (file.name.empty() && attachment->Title.data != nullptr && attachment->Title.size > 0) {
      file.name = decode.Legacy({reinterpret_cast<const char*>(attachment->Title.data),
                                 static_cast<size_t>(attachment->Title.size)},
                                what + " name");
    }
    if (file.name.empty()) {
      file.name = "attachment-" + std::to_string(number);
    }
    file.media_type =
        AsciiLower(decode.Property(&attachment->MAPI, kPrAttachMimeTag, what + " type"));
    if (attachment->FileData.data != nullptr && attachment->FileData.size > 0) {
      file.bytes.assign(reinterpret_cast<const char*>(attachment->FileData.data),
                        static_cast<size_t>(attachment->FileData.size));
    } else if (std::string_view object =
                   PropertyBytes(&attachment->MAPI, PT_OBJECT, kPrAttachDataObject);
               !object.empty()) {
      // An attached message: an interface id, then a TNEF stream of its own.
      constexpr size_t kInterfaceIdBytes = 16;
      if (!StartsWithTnefSignature(object) && object.size() > kInterfaceIdBytes) {
        object.remove_prefix(kInterfaceIdBytes);
      }
      file.bytes = std::string(object);
      file.name += ".tnef";
      file.media_type = "application/ms-tnef";
    }
    content.attachments.push_back(std::move(file));
  }

  bool read_anything = !content.subject.empty() || !content.body_text.empty() ||
                       !content.rtf_body.empty() || !content.attachments.empty() ||
                       !content.message_class.empty();
  if (!read_anything && (parse_result < 0 || !content.warnings.empty())) {
    std::string reason = "no TNEF content could be read";
    if (parse_result < 0) {
      reason += " (libytnef error " + std::to_string(parse_result) + ")";
    }
    for (const std::string& warning : content.warnings) {
      reason += "; " + warning;
    }
    return Status::Corruption(reason);
  }
  if (parse_result < 0) {
    content.warnings.push_back("libytnef stopped with error " + std::to_string(parse_result) +
                               "; what it read before is kept");
  }
  return content;
}

}  // namespace docket
