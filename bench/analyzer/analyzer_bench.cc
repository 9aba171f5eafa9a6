/** @file
 *  @brief Analyzer throughput per script against the ICU word BreakIterator floor, and index
 *         size per input byte for CJK (Google Benchmark; see bench/analyzer/README.md).
 *
 *  For each script a corpus of about 1 MiB of real text is read at startup from the Debian
 *  packages ./run installs (fortunes, fortunes-de, fortunes-ru, fortunes-zh, manpages-zh,
 *  manpages-ja; Korean from the man pages man-db and friends ship), or from a paragraph built
 *  into this file where Debian has no text (Arabic, Thai). The corpus is cut into message-sized
 *  chunks of 300 to 2000 bytes, because the indexer calls the analyzer once per item text.
 *
 *    BM_Analyzer/<script>       docket::TextAnalyzer::Tokenize over every chunk
 *    BM_BreakIterator/<script>  a bare ICU word BreakIterator over the same chunks: the floor
 *
 *  After the benchmarks it prints MiB/s of both, their ratio and the target "analyzer >= 40% of
 *  BreakIterator" per script, then builds a real index (CommitCoordinator) of the Chinese and
 *  Japanese corpora (and the English one, for reference) and prints the bytes on disk of
 *  xapian/ and store/ per input byte.
 */
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unicode/brkiter.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "storage/commit_coordinator.h"
#include "storage/text_analyzer.h"

namespace docket {
namespace {

namespace fs = std::filesystem;

constexpr size_t kCorpusBytes = 1 << 20;  // per script
constexpr size_t kMinChunk = 300;
constexpr size_t kMaxChunk = 2000;
constexpr double kTargetRatio = 0.40;  // analyzer MiB/s >= 40% of BreakIterator MiB/s

// ---- Built-in text, for scripts Debian ships no running text in. -----------------------------
// Written for this benchmark: a meeting summary and a chat message, the kind of text Docket
// indexes.

constexpr const char* kArabicText =
    "عقد فريق المشروع اجتماعه الأسبوعي صباح يوم الأحد في قاعة الاجتماعات الكبرى بالطابق "
    "الثالث. افتتح المدير الاجتماع بمراجعة ما تم إنجازه خلال الأسبوع الماضي، وأشار إلى أن "
    "المرحلة الأولى من المشروع اكتملت في موعدها المحدد رغم بعض الصعوبات الفنية. ثم عرضت "
    "رئيسة قسم المالية تقريرا مفصلا عن الميزانية، وأوضحت أن النفقات ما زالت ضمن الحدود "
    "المتفق عليها، لكنها طلبت من جميع الأقسام تقديم تقديراتهم للربع القادم قبل نهاية الشهر. "
    "وناقش الحاضرون بعد ذلك العقد الجديد مع المورد، واتفقوا على إرسال الملاحظات القانونية "
    "إلى المستشار قبل توقيعه. كما تقرر تأجيل زيارة العميل إلى الأسبوع المقبل بسبب سفر مدير "
    "المبيعات. وفي نهاية الاجتماع شكر المدير الفريق على جهوده، وذكّر الجميع بضرورة الحفاظ "
    "على سرية المعلومات المتعلقة بالمشروع وعدم مشاركتها خارج الشركة. وسيعقد الاجتماع القادم "
    "في الموعد نفسه، وسترسل المحاضر إلى جميع المشاركين عبر البريد الإلكتروني.\n"
    "مرحبا يا أحمد، هل وصلك الملف الذي أرسلته أمس؟ أحتاج إلى رأيك في الجدول الزمني قبل "
    "اجتماع الغد. إذا كانت لديك أي أسئلة عن الأرقام فاتصل بي بعد الظهر، فأنا في المكتب حتى "
    "الساعة الخامسة. شكرا جزيلا ومع أطيب التحيات.\n";

constexpr const char* kThaiText =
    "เมื่อเช้าวันจันทร์ทีมงานโครงการได้ประชุมกันที่ห้องประชุมใหญ่ชั้นสาม "
    "ผู้จัดการเปิดการประชุมด้วยการทบทวนงานที่ทำเสร็จในสัปดาห์ที่ผ่านมา "
    "และแจ้งว่าโครงการระยะแรกเสร็จตามกำหนดแม้จะมีปัญหาทางเทคนิคอยู่บ้าง "
    "จากนั้นหัวหน้าฝ่ายการเงินได้นำเสนอรายงานงบประมาณอย่างละเอียด "
    "โดยอธิบายว่าค่าใช้จ่ายยังอยู่ในวงเงินที่ตกลงกันไว้ "
    "แต่ขอให้ทุกฝ่ายส่งประมาณการสำหรับไตรมาสหน้าก่อนสิ้นเดือน "
    "ที่ประชุมได้หารือเรื่องสัญญาฉบับใหม่กับผู้จัดจำหน่าย "
    "และตกลงว่าจะส่งความเห็นด้านกฎหมายให้ที่ปรึกษาตรวจสอบก่อนลงนาม "
    "นอกจากนี้ยังมีมติให้เลื่อนการเยี่ยมลูกค้าออกไปเป็นสัปดาห์หน้า "
    "เนื่องจากผู้จัดการฝ่ายขายต้องเดินทางไปต่างประเทศ ก่อนปิดการประชุม "
    "ผู้จัดการได้ขอบคุณทีมงานทุกคนสำหรับความทุ่มเท "
    "และเตือนให้ทุกคนเก็บข้อมูลของโครงการเป็นความลับ การประชุมครั้งต่อไปจะจัดขึ้นในเวลาเดิม "
    "และจะส่งรายงานการประชุมให้ผู้เข้าร่วมทุกคนทางอีเมล\n"
    "สวัสดีครับคุณสมชาย ได้รับไฟล์ที่ผมส่งไปเมื่อวานหรือยังครับ "
    "ผมอยากได้ความเห็นเรื่องตารางเวลาก่อนประชุมพรุ่งนี้ "
    "ถ้ามีคำถามเกี่ยวกับตัวเลขโทรหาผมได้ตอนบ่ายนะครับ ผมอยู่ที่ออฟฟิศจนถึงห้าโมงเย็น "
    "ขอบคุณมากครับ\n";

// Used only when /usr/share/man/ko holds no pages.
constexpr const char* kKoreanText =
    "월요일 아침에 프로젝트 팀은 3층 대회의실에서 주간 회의를 열었습니다. 팀장은 지난주에 "
    "완료된 업무를 검토하면서 회의를 시작했고, 몇 가지 기술적인 문제가 있었지만 1단계가 "
    "예정대로 끝났다고 말했습니다. 이어서 재무팀장이 예산에 관한 자세한 보고서를 "
    "발표했습니다. 그는 지출이 아직 합의된 범위 안에 있지만 모든 부서가 이달 말까지 다음 "
    "분기 예상 비용을 제출해야 한다고 설명했습니다. 참석자들은 새 공급업체와의 계약서에 "
    "대해 논의했고, 서명하기 전에 법률 검토 의견을 고문에게 보내기로 했습니다. 영업부장이 "
    "해외 출장을 가야 해서 고객 방문은 다음 주로 미루기로 했습니다. 회의를 마치기 전에 "
    "팀장은 모두의 노력에 감사하다고 말하고, 프로젝트 정보를 회사 밖에서 공유하지 말라고 "
    "다시 한 번 당부했습니다. 다음 회의는 같은 시간에 열리며 회의록은 모든 참석자에게 "
    "이메일로 보내질 예정입니다.\n";

// ---- Reading the Debian text. -----------------------------------------------------------------

// Debian 12's files are UTF-8; older packages used a legacy charset, converted with ICU.
std::string ToUtf8(std::string bytes, const char* fallback_charset) {
  if (IsValidUtf8(bytes)) {
    return bytes;
  }
  const icu::UnicodeString text(bytes.data(), static_cast<int32_t>(bytes.size()), fallback_charset);
  std::string out;
  text.toUTF8String(out);
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string ReadGzip(const fs::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    return {};
  }
  std::string out;
  char buffer[1 << 16];
  for (int n = gzread(file, buffer, sizeof buffer); n > 0;
       n = gzread(file, buffer, sizeof buffer)) {
    out.append(buffer, static_cast<size_t>(n));
  }
  gzclose(file);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

bool IsCjkLead(std::string_view s) {
  UChar32 c = 0;
  int32_t i = 0;
  U8_NEXT(s.data(), i, static_cast<int32_t>(s.size()), c);
  return (c >= 0x3000 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFF00 && c <= 0xFFEF);
}

bool IsCjkTail(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  int32_t i = static_cast<int32_t>(s.size());
  UChar32 c = 0;
  U8_PREV(s.data(), 0, i, c);
  return (c >= 0x3000 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFF00 && c <= 0xFFEF);
}

// Joins wrapped lines: CJK text wraps without a space, other text with one.
void AppendLine(std::string* paragraph, std::string_view line) {
  if (line.empty()) {
    return;
  }
  if (!paragraph->empty() && !(IsCjkTail(*paragraph) && IsCjkLead(line))) {
    paragraph->push_back(' ');
  }
  paragraph->append(line);
}

// The cookies of a fortune file: '%' lines separate them; attribution ("-- Author") and the
// ANSI-coloured title lines of fortunes-zh are dropped, as data/generate_samples.py does.
std::vector<std::string> FortuneParagraphs(const std::string& text) {
  std::vector<std::string> out;
  std::string cookie;
  for (std::string_view raw : Lines(text)) {
    const std::string_view line = Trim(raw);
    if (line == "%") {
      if (!cookie.empty()) {
        out.push_back(std::move(cookie));
      }
      cookie.clear();
      continue;
    }
    if (line.find('\x1b') != std::string_view::npos || line.substr(0, 2) == "--") {
      continue;
    }
    std::string clean;
    for (char c : line) {
      if (c == '\b') {  // overstrike: drop the character before it too
        if (!clean.empty()) {
          clean.pop_back();
        }
        continue;
      }
      clean.push_back(c);
    }
    AppendLine(&cookie, clean);
  }
  if (!cookie.empty()) {
    out.push_back(std::move(cookie));
  }
  return out;
}

// Removes roff escapes from a text line (a simple filter: fonts, strings, special characters,
// sizes, motions and the rest-of-line comment).
std::string StripRoffEscapes(std::string_view line) {
  std::string out;
  size_t i = 0;
  // Skips an escape argument: (xx, [name] or one character.
  const auto skip_name = [&](size_t at) -> size_t {
    if (at >= line.size()) {
      return at;
    }
    if (line[at] == '(') {
      return std::min(line.size(), at + 3);
    }
    if (line[at] == '[') {
      const size_t close = line.find(']', at);
      return close == std::string_view::npos ? line.size() : close + 1;
    }
    return at + 1;
  };
  while (i < line.size()) {
    if (line[i] != '\\' || i + 1 >= line.size()) {
      out.push_back(line[i++]);
      continue;
    }
    const char e = line[i + 1];
    switch (e) {
      case '"':
        return out;  // comment to the end of the line
      case 'f':
      case '*':
      case 'n':
        i = skip_name(i + 2);
        break;
      case '(':
        out.push_back(' ');
        i = std::min(line.size(), i + 4);
        break;
      case '[':
        out.push_back(' ');
        i = skip_name(i + 1);
        break;
      case 's': {
        i += 2;
        if (i < line.size() && (line[i] == '+' || line[i] == '-')) {
          ++i;
        }
        while (i < line.size() && line[i] >= '0' && line[i] <= '9') {
          ++i;
        }
        break;
      }
      case 'h':
      case 'v':
      case 'w':
      case 'l':
      case 'L':
      case 'o':
      case 'D':
      case 'X':
      case 'Z': {
        i += 2;
        if (i < line.size() && line[i] == '\'') {
          const size_t close = line.find('\'', i + 1);
          i = close == std::string_view::npos ? line.size() : close + 1;
        }
        break;
      }
      case '-':
        out.push_back('-');
        i += 2;
        break;
      case 'e':
      case '\\':
        out.push_back('\\');
        i += 2;
        break;
      case ' ':
      case '~':
        out.push_back(' ');
        i += 2;
        break;
      default:
        i += 2;  // \& \| \^ \% \c \: \) and anything else print nothing
        break;
    }
  }
  return out;
}

// The running text of a man page, as paragraphs: requests and escapes removed, the arguments
// of font macros (.B, .I, .BR, ...) kept.
std::vector<std::string> RoffParagraphs(const std::string& page) {
  static const std::vector<std::string_view> kTextMacros = {"B",  "I",  "BI", "IB", "BR",
                                                            "RB", "IR", "RI", "SM", "SB"};
  std::vector<std::string> out;
  std::string paragraph;
  const auto end_paragraph = [&] {
    if (!paragraph.empty()) {
      out.push_back(std::move(paragraph));
    }
    paragraph.clear();
  };
  bool in_definition = false;
  for (std::string_view line : Lines(page)) {
    if (in_definition) {
      in_definition = line.substr(0, 2) != "..";
      continue;
    }
    if (line.substr(0, 3) == ".\\\"" || line.substr(0, 3) == "'\\\"" ||
        line.substr(0, 2) == "\\\"") {
      continue;
    }
    if (!line.empty() && (line[0] == '.' || line[0] == '\'')) {
      std::string_view request = Trim(line.substr(1));
      const size_t space = request.find_first_of(" \t");
      const std::string_view name = request.substr(0, space);
      const std::string_view args =
          space == std::string_view::npos ? std::string_view() : Trim(request.substr(space));
      if (name == "de" || name == "de1" || name == "am" || name == "ig") {
        in_definition = true;
        continue;
      }
      if (!args.empty() &&
          std::find(kTextMacros.begin(), kTextMacros.end(), name) != kTextMacros.end()) {
        std::string text = StripRoffEscapes(args);
        text.erase(std::remove(text.begin(), text.end(), '"'), text.end());
        AppendLine(&paragraph, Trim(text));
      } else {
        end_paragraph();  // section headings, paragraph macros and every other request
      }
      continue;
    }
    const std::string text = StripRoffEscapes(line);
    const std::string_view trimmed = Trim(text);
    if (trimmed.empty()) {
      end_paragraph();
    } else {
      AppendLine(&paragraph, trimmed);
    }
  }
  end_paragraph();
  return out;
}

// Share of the non-space code points that are not ASCII: man pages are full of option names,
// so their paragraphs are kept only when they are mostly in the page's own script.
double NonAsciiShare(std::string_view s) {
  size_t total = 0;
  size_t non_ascii = 0;
  int32_t i = 0;
  while (i < static_cast<int32_t>(s.size())) {
    UChar32 c = 0;
    U8_NEXT(s.data(), i, static_cast<int32_t>(s.size()), c);
    if (c == ' ') {
      continue;
    }
    ++total;
    non_ascii += c >= 0x80 ? 1 : 0;
  }
  return total == 0 ? 0.0 : static_cast<double>(non_ascii) / static_cast<double>(total);
}

struct Corpus {
  std::string script;  // "en", "zh-Hans", ...
  std::string source;  // where the text came from, for the report
  size_t unique_bytes = 0;
  std::vector<std::string> chunks;
  size_t bytes = 0;
};

// Cuts the paragraphs, repeated as often as needed, into chunks of kMinChunk..kMaxChunk bytes
// (sizes drawn from a fixed seed) until the corpus holds kCorpusBytes. A chunk ends at a
// paragraph end when one falls inside its size range, else at the last space before its size,
// else at a character boundary.
Corpus MakeCorpus(std::string script, std::string source,
                  const std::vector<std::string>& paragraphs) {
  Corpus corpus;
  corpus.script = std::move(script);
  corpus.source = std::move(source);
  std::string stream;
  for (const std::string& p : paragraphs) {
    stream += p;
    stream += '\n';
  }
  corpus.unique_bytes = stream.size();
  if (stream.empty()) {
    return corpus;
  }
  std::mt19937 random(42);
  std::uniform_int_distribution<size_t> size(kMinChunk, kMaxChunk);
  size_t pos = 0;
  while (corpus.bytes < kCorpusBytes) {
    const size_t want = size(random);
    std::string chunk;
    while (chunk.size() < want) {
      if (pos >= stream.size()) {
        pos = 0;  // repeat the text
      }
      const std::string_view rest = std::string_view(stream).substr(pos);
      const size_t room = want - chunk.size();
      if (rest.size() <= room) {
        chunk.append(rest);
        pos = stream.size();
        continue;
      }
      std::string_view piece = rest.substr(0, room);
      const size_t newline = piece.rfind('\n');
      const size_t space = piece.rfind(' ');
      size_t cut = newline != std::string_view::npos && chunk.size() + newline + 1 >= kMinChunk
                       ? newline + 1
                       : (space != std::string_view::npos && space > room / 2 ? space + 1 : room);
      while (cut > 0 && cut < rest.size() && U8_IS_TRAIL(static_cast<uint8_t>(rest[cut]))) {
        --cut;  // never split a character
      }
      if (cut == 0) {
        cut = room;
        while (cut < rest.size() && U8_IS_TRAIL(static_cast<uint8_t>(rest[cut]))) {
          ++cut;
        }
      }
      chunk.append(rest.substr(0, cut));
      pos += cut;
      break;
    }
    corpus.bytes += chunk.size();
    corpus.chunks.push_back(std::move(chunk));
  }
  return corpus;
}

std::vector<fs::path> Files(const fs::path& dir, const std::vector<std::string>& names) {
  std::vector<fs::path> out;
  for (const std::string& name : names) {
    if (fs::is_regular_file(dir / name)) {
      out.push_back(dir / name);
    }
  }
  return out;
}

std::vector<fs::path> GzipPages(const std::vector<fs::path>& dirs) {
  std::vector<fs::path> out;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".gz") {
        out.push_back(entry.path());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The same files data/generate_samples.py reads.
const fs::path kFortunes = "/usr/share/games/fortunes";
const fs::path kMan = "/usr/share/man";

std::vector<std::string> FortuneText(const std::vector<fs::path>& files, const char* fallback) {
  std::vector<std::string> paragraphs;
  for (const fs::path& file : files) {
    for (std::string& p : FortuneParagraphs(ToUtf8(ReadFile(file), fallback))) {
      paragraphs.push_back(std::move(p));
    }
  }
  return paragraphs;
}

std::vector<std::string> ManText(const std::vector<fs::path>& pages, const char* fallback,
                                 size_t limit_bytes) {
  std::vector<std::string> paragraphs;
  size_t bytes = 0;
  for (const fs::path& page : pages) {
    for (std::string& p : RoffParagraphs(ToUtf8(ReadGzip(page), fallback))) {
      if (NonAsciiShare(p) >= 0.5) {
        bytes += p.size();
        paragraphs.push_back(std::move(p));
      }
    }
    if (bytes >= limit_bytes) {
      break;
    }
  }
  return paragraphs;
}

std::vector<std::string> Builtin(const char* text) { return {std::string(text)}; }

std::string Describe(const std::vector<fs::path>& files, const fs::path& dir) {
  return std::to_string(files.size()) + " files under " + dir.string();
}

std::vector<Corpus> LoadCorpora() {
  std::vector<Corpus> corpora;
  const auto add = [&](std::string script, std::string source,
                       const std::vector<std::string>& paragraphs) {
    Corpus corpus = MakeCorpus(std::move(script), std::move(source), paragraphs);
    if (corpus.chunks.empty()) {
      std::cerr << "analyzer_bench: no text for " << corpus.script << " (" << corpus.source
                << "); is its Debian package installed? Skipping it.\n";
      return;
    }
    corpora.push_back(std::move(corpus));
  };
  const auto en =
      Files(kFortunes, {"fortunes", "literature", "wisdom", "work", "science", "computers"});
  add("en", Describe(en, kFortunes) + " (fortunes-min, fortunes)", FortuneText(en, "ISO-8859-1"));
  const auto de = Files(kFortunes / "de",
                        {"anekdoten", "computer", "mathematiker", "murphy", "regeln", "sprichworte",
                         "sprueche", "stilblueten", "tips", "wusstensie", "zitate"});
  add("de", Describe(de, kFortunes / "de") + " (fortunes-de)", FortuneText(de, "ISO-8859-1"));
  const auto ru = Files(kFortunes / "ru", {"citates", "computer", "education", "friendship",
                                           "future", "knowledge", "life", "murphy", "programming",
                                           "success", "time", "truth", "wealth", "work"});
  add("ru", Describe(ru, kFortunes / "ru") + " (fortunes-ru)", FortuneText(ru, "KOI8-R"));
  // fortunes-zh ships Simplified Chinese only; Traditional comes from manpages-zh (zh_TW).
  const auto zh_hans = Files(kFortunes, {"chinese", "tang300", "song100"});
  add("zh-Hans", Describe(zh_hans, kFortunes) + " (fortunes-zh)", FortuneText(zh_hans, "GB18030"));
  const auto zh_hant = GzipPages({kMan / "zh_TW/man1", kMan / "zh_TW/man8"});
  add("zh-Hant", Describe(zh_hant, kMan / "zh_TW") + " (manpages-zh)",
      ManText(zh_hant, "Big5", kCorpusBytes));
  const auto ja = GzipPages({kMan / "ja/man1", kMan / "ja/man8"});
  add("ja", Describe(ja, kMan / "ja") + " (manpages-ja)", ManText(ja, "EUC-JP", kCorpusBytes));
  const auto ko = GzipPages({kMan / "ko/man1", kMan / "ko/man5", kMan / "ko/man8"});
  std::vector<std::string> ko_text = ManText(ko, "EUC-KR", kCorpusBytes);
  if (ko_text.empty()) {
    add("ko", "built-in paragraph (no pages under /usr/share/man/ko)", Builtin(kKoreanText));
  } else {
    add("ko", Describe(ko, kMan / "ko") + " (man-db, passwd, psmisc, xz-utils)", ko_text);
  }
  add("ar", "built-in paragraph (Debian ships no Arabic running text)", Builtin(kArabicText));
  add("th", "built-in paragraph (Debian ships no Thai running text)", Builtin(kThaiText));
  return corpora;
}

// ---- The benchmarks. ------------------------------------------------------------------------

void BM_Analyzer(benchmark::State& state, const Corpus* corpus) {
  TextAnalyzer analyzer;  // one per ingest worker, as the indexer has
  size_t tokens = 0;
  for (auto _ : state) {
    tokens = 0;
    for (const std::string& chunk : corpus->chunks) {
      auto terms = analyzer.Tokenize(chunk);
      tokens += terms.size();
      benchmark::DoNotOptimize(terms.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * corpus->bytes));
  state.counters["tokens"] = static_cast<double>(tokens);
}

void BM_BreakIterator(benchmark::State& state, const Corpus* corpus) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> words(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), err));
  if (U_FAILURE(err)) {
    state.SkipWithError(u_errorName(err));
    return;
  }
  UText* text = nullptr;
  size_t tokens = 0;
  for (auto _ : state) {
    tokens = 0;
    for (const std::string& chunk : corpus->chunks) {
      text = utext_openUTF8(text, chunk.data(), static_cast<int64_t>(chunk.size()), &err);
      words->setText(text, err);
      for (int32_t end = words->next(); end != icu::BreakIterator::DONE; end = words->next()) {
        tokens += words->getRuleStatus() != UBRK_WORD_NONE ? 1 : 0;
      }
    }
    benchmark::DoNotOptimize(tokens);
  }
  utext_close(text);
  if (U_FAILURE(err)) {
    state.SkipWithError(u_errorName(err));
    return;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * corpus->bytes));
  state.counters["tokens"] = static_cast<double>(tokens);
}

// Prints as the console reporter does and keeps each benchmark's bytes per second.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  // Colours only on a terminal (a reporter we construct does not get --benchmark_color=auto).
  CollectingReporter()
      : ConsoleReporter(isatty(STDOUT_FILENO) != 0 ? OO_ColorTabular : OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      const auto rate = run.counters.find("bytes_per_second");
      if (run.error_occurred || rate == run.counters.end()) {
        continue;
      }
      if (run.run_type == Run::RT_Iteration) {
        rates_[run.benchmark_name()].push_back(rate->second.value);
      } else if (run.aggregate_name == "mean") {  // --benchmark_report_aggregates_only
        means_[run.run_name.str()] = rate->second.value;
      }
    }
  }
  // MiB/s (as Google Benchmark prints "M/s"), the mean over repetitions; 0 when it did not run.
  double MiBps(const std::string& name) const {
    if (const auto mean = means_.find(name); mean != means_.end()) {
      return mean->second / (1 << 20);
    }
    const auto it = rates_.find(name);
    if (it == rates_.end() || it->second.empty()) {
      return 0;
    }
    double sum = 0;
    for (double r : it->second) {
      sum += r;
    }
    return sum / static_cast<double>(it->second.size()) / (1 << 20);
  }

 private:
  std::map<std::string, std::vector<double>> rates_;  // per iteration run, by name
  std::map<std::string, double> means_;               // "mean" aggregates, by run name
};

// ---- Index size. ------------------------------------------------------------------------------

// Bytes of the regular files under `dir`; only those named *`suffix` when a suffix is given.
uint64_t DirectoryBytes(const fs::path& dir, std::string_view suffix = {}) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      total += entry.file_size(ec);
    }
  }
  return total;
}

struct IndexSize {
  size_t items = 0;
  uint64_t xapian = 0;
  uint64_t store = 0;
  uint64_t store_wal = 0;  // RocksDB write-ahead log (*.log): text not yet in compressed SSTs
};

// Indexes every chunk of `corpus` as one IM conversation in a fresh index, closes it and
// measures what is on disk; removes it unless `keep`. Returns false (with a message on stderr) when
// a step fails.
bool MeasureIndex(const Corpus& corpus, bool keep, IndexSize* size) {
  std::string pattern = (fs::temp_directory_path() / "docket-analyzer-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("analyzer_bench: mkdtemp");
    return false;
  }
  const fs::path dir = pattern;
  const IndexLayout layout(dir);
  const auto fail = [&](const std::string& what) {
    std::cerr << "analyzer_bench: index of " << corpus.script << ": " << what << "\n";
    fs::remove_all(dir);
    return false;
  };
  {
    auto coordinator = CommitCoordinator::Open(dir, {});
    if (!coordinator.ok()) {
      return fail(coordinator.error().ToString());
    }
    WriteSet set;
    const auto write = [&]() -> bool {
      if (set.items.empty()) {
        return true;
      }
      auto written = (*coordinator)->Write(set);
      set = WriteSet();
      return written.ok();
    };
    for (size_t i = 0; i < corpus.chunks.size(); ++i) {
      Item item;
      item.id = (*coordinator)->store().AllocateId();
      item.kind = ItemKind::kImConversation;
      item.state = IndexState::kIndexed;
      item.text = corpus.chunks[i];
      item.size = item.text.size();
      item.file_name = corpus.script + "-" + std::to_string(i) + ".eml";
      item.sha256 = "analyzer-bench-" + corpus.script + "-" + std::to_string(i);
      set.index_ids.push_back(item.id);
      set.items.push_back(std::move(item));
      if (set.items.size() == 100 && !write()) {
        return fail("Write failed");
      }
    }
    if (!write()) {
      return fail("Write failed");
    }
    if (Status flushed = (*coordinator)->Flush(); !flushed.ok()) {
      return fail(flushed.ToString());
    }
  }  // closed: what follows is what stays on disk
  size->items = corpus.chunks.size();
  size->xapian = DirectoryBytes(layout.xapian());
  size->store = DirectoryBytes(layout.store());
  size->store_wal = DirectoryBytes(layout.store(), ".log");
  if (keep) {
    std::fprintf(stderr, "analyzer_bench: kept the %s index in %s\n", corpus.script.c_str(),
                 dir.c_str());
  } else {
    fs::remove_all(dir);
  }
  return true;
}

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  bool index_size = true;
  bool keep_index = false;
  std::string print_corpus;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--no_index_size") {
      index_size = false;
    } else if (arg == "--keep_index") {
      keep_index = true;
    } else if (arg.substr(0, 15) == "--print_corpus=") {
      print_corpus = arg.substr(15);
    } else {
      std::cerr << "analyzer_bench: unknown argument '" << arg
                << "' (accepted: Google Benchmark's --benchmark_* flags, --no_index_size, "
                   "--keep_index, --print_corpus=SCRIPT)\n";
      return 2;
    }
  }

  const std::vector<Corpus> corpora = LoadCorpora();
  if (!print_corpus.empty()) {
    // The first chunks of one corpus, to check what the text filters kept.
    for (const Corpus& c : corpora) {
      for (size_t i = 0; c.script == print_corpus && i < std::min<size_t>(5, c.chunks.size());
           ++i) {
        std::printf("---- %s chunk %zu (%zu bytes)\n%s\n", c.script.c_str(), i, c.chunks[i].size(),
                    c.chunks[i].c_str());
      }
    }
    return 0;
  }
  std::printf("%-8s %5s %7s %11s  %s\n", "script", "MiB", "chunks", "unique KiB", "source");
  for (const Corpus& c : corpora) {
    std::printf("%-8s %5.2f %7zu %11.1f  %s\n", c.script.c_str(), c.bytes / 1048576.0,
                c.chunks.size(), c.unique_bytes / 1024.0, c.source.c_str());
  }
  std::printf("\n");
  std::fflush(stdout);

  for (const Corpus& c : corpora) {
    benchmark::RegisterBenchmark(("BM_Analyzer/" + c.script).c_str(), BM_Analyzer, &c)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_BreakIterator/" + c.script).c_str(), BM_BreakIterator, &c)
        ->Unit(benchmark::kMillisecond);
  }
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::fflush(stdout);

  std::printf("\nTokenize vs bare ICU word BreakIterator (MiB/s of input, CPU time)\n");
  std::printf("%-8s %14s %19s %7s  %s\n", "script", "analyzer MiB/s", "BreakIterator MiB/s",
              "ratio", "target analyzer >= 40% of BreakIterator");
  for (const Corpus& c : corpora) {
    const double analyzer = reporter.MiBps("BM_Analyzer/" + c.script);
    const double floor = reporter.MiBps("BM_BreakIterator/" + c.script);
    if (analyzer == 0 || floor == 0) {
      std::printf("%-8s %14s %19s %7s  (not run)\n", c.script.c_str(), "-", "-", "-");
      continue;
    }
    const double ratio = analyzer / floor;
    std::printf("%-8s %14.1f %19.1f %6.0f%%  %s\n", c.script.c_str(), analyzer, floor, ratio * 100,
                ratio >= kTargetRatio ? "PASS" : "FAIL");
  }

  if (index_size) {
    std::printf(
        "\nIndex size per input byte (CommitCoordinator, default options, not compacted)\n");
    std::printf("%-8s %9s %6s %11s %12s %10s %11s %14s\n", "script", "input MiB", "items",
                "xapian/ MiB", "xapian/input", "store/ MiB", "store/input", "store WAL MiB");
    for (const Corpus& c : corpora) {
      if (c.script != "zh-Hans" && c.script != "zh-Hant" && c.script != "ja" && c.script != "en") {
        continue;  // CJK, with English as the reference
      }
      IndexSize size;
      if (!MeasureIndex(c, keep_index, &size)) {
        return 1;
      }
      constexpr double kMiB = 1 << 20;
      std::printf("%-8s %9.2f %6zu %11.2f %12.2f %10.2f %11.2f %14.2f\n", c.script.c_str(),
                  c.bytes / kMiB, size.items, size.xapian / kMiB,
                  static_cast<double>(size.xapian) / static_cast<double>(c.bytes),
                  size.store / kMiB, static_cast<double>(size.store) / static_cast<double>(c.bytes),
                  size.store_wal / kMiB);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace docket

int main(int argc, char** argv) { return docket::Main(argc, argv); }
