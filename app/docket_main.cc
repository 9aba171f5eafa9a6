/** @file
 *  @brief The `docket` binary: git-style subcommands. CLI parsing only; each subcommand calls
 *  into its module. This is a process boundary: the last-resort catch lives in main().
 *
 *    docket ingest    --index DIR [--custodian NAME] [--commit-every N] PATH...
 *    docket search    --index DIR [--start N] [--limit N] [--sort PROP:asc|desc]
 *                     [--stemming on|off] [--accents insensitive|sensitive]
 *                     [--now YYYY-MM-DDThh:mm:ssZ] QUERY...
 *    docket serve     --index DIR [--listen HOST:PORT] [--now YYYY-MM-DDThh:mm:ssZ]
 *                     [--exports-dir DIR]
 *    docket unindexed --index DIR [--format text|csv]
 *    docket directory import --index DIR FILE.csv
 *    docket export    --index DIR --query KQL --out FILE.zip [--case NAME]
 *                     [--include indexed|all|unindexed] [--dedupe none|global|custodian]
 *                     [--families include|exclude] [--bates-prefix DKT] [--bates-start 1]
 *                     [--bates-digits 7] [--now TIME]
 *  Exit codes: 0 success, 1 the command failed (message on stderr), 2 usage error.
 */
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "app/allocator.h"
#include "common/time_util.h"
#include "export/exporter.h"
#include "indexer/ingest_pipeline.h"
#include "indexer/unindexed_log.h"
#include "query/searcher.h"
#include "storage/commit_coordinator.h"
#include "storage/directory.h"
#include "storage/doc_store.h"
#include "storage/index_compaction.h"
#include "storage/text_analyzer.h"
#include "web/server.h"

namespace docket {
namespace {

constexpr const char* kUsage =
    "usage: docket <command> [options]\n"
    "  ingest    --index DIR [--custodian NAME] [--commit-every N] PATH...\n"
    "            archives, folders, mailboxes, LcsLog dump folders or single files\n"
    "  search    --index DIR [--start N] [--limit N] [--sort Prop:ascending]\n"
    "            [--stemming on|off] [--accents insensitive|sensitive] [--now TIME] QUERY\n"
    "  serve     --index DIR [--listen 127.0.0.1:8080]    SharePoint search REST + web page\n"
    "            [--now 2024-06-12T10:00:00Z]   the clock of KQL's today, \"this week\", ...\n"
    "            [--exports-dir DIR]   packages of POST /api/exports (default INDEX/exports)\n"
    "  unindexed --index DIR [--format text|csv]          items not fully indexed, with reasons\n"
    "  compact   --index DIR   rewrites the search index with full blocks after a bulk ingest\n"
    "  directory import --index DIR FILE.csv\n"
    "            identities (DisplayName,SmtpAddress,SipAddress): SIP and SMTP of one person\n"
    "  export    --index DIR --query KQL --out FILE.zip [--case NAME]\n"
    "            [--include indexed|all|unindexed] [--dedupe none|global|custodian]\n"
    "            [--families include|exclude] [--bates-prefix DKT] [--bates-start 1]\n"
    "            [--bates-digits 7] [--now TIME]   a production: natives, text, EDRM XML,\n"
    "            Concordance DAT and reports in one zip\n";

// Flags ("--name value") and positional arguments of one subcommand.
struct Args {
  std::map<std::string, std::string> flags;
  std::vector<std::string> positional;

  std::string Get(const std::string& name, std::string fallback = {}) const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

int UsageError(const std::string& message) {
  std::cerr << "docket: " << message << "\n" << kUsage;
  return 2;
}

int Fail(const Status& status) {
  std::cerr << "docket: " << status.ToString() << "\n";
  return 1;
}

bool ParseArgs(int argc, char** argv, const std::vector<std::string>& known, Args* args,
               std::string* error) {
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) {
        args->positional.emplace_back(argv[i]);
      }
      break;
    }
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      std::string name = arg.substr(2);
      std::string value;
      if (const size_t eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        *error = "--" + name + " needs a value";
        return false;
      }
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        *error = "unknown option --" + name;
        return false;
      }
      args->flags[name] = value;
    } else {
      args->positional.push_back(std::move(arg));
    }
  }
  return true;
}

bool ParseCount(const std::string& text, uint32_t* out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      text.size() > 9) {
    return false;
  }
  *out = static_cast<uint32_t>(std::stoul(text));
  return true;
}

int RunIngest(const Args& args) {
  const std::string index = args.Get("index");
  if (index.empty() || args.positional.empty()) {
    return UsageError("ingest needs --index DIR and at least one PATH");
  }
  CommitOptions commit_options;
  if (args.flags.count("commit-every") != 0 &&
      (!ParseCount(args.Get("commit-every"), &commit_options.writes_per_commit) ||
       commit_options.writes_per_commit == 0)) {
    return UsageError("--commit-every needs a positive number of writes");
  }
  auto coordinator = CommitCoordinator::Open(index, commit_options);
  if (!coordinator.ok()) {
    return Fail(coordinator.error());
  }
  if ((*coordinator)->replayed_on_open() > 0) {
    std::cerr << "recovered: replayed " << (*coordinator)->replayed_on_open()
              << " log records into the search index\n";
  }
  IngestOptions ingest_options;
  ingest_options.custodian = args.Get("custodian");
  ingest_options.temp_dir = IndexLayout(args.Get("index")).root() / "tmp";
  IngestPipeline pipeline(**coordinator, std::move(ingest_options));
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  if (isatty(STDERR_FILENO)) {
    auto last = start;
    pipeline.set_progress([&](const IngestStats& stats, std::string_view ipath) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last < std::chrono::milliseconds(200)) {
        return;
      }
      last = now;
      const double seconds = elapsed();
      std::fprintf(stderr, "\r\033[K%llu items, %llu messages, %.1f MB, %.0f items/s  %.60s",
                   static_cast<unsigned long long>(stats.items),
                   static_cast<unsigned long long>(stats.messages),
                   static_cast<double>(stats.bytes) / 1e6,
                   seconds > 0 ? static_cast<double>(stats.items) / seconds : 0.0,
                   std::string(ipath).c_str());
    });
  }
  int exit_code = 0;
  for (const std::string& path : args.positional) {
    const Status status = pipeline.IngestPath(path);
    if (!status.ok()) {
      // One unreadable PATH does not stop the others; the run still reports failure.
      std::fprintf(stderr, "\r\033[Kdocket: %s\n", status.ToString().c_str());
      exit_code = 1;
      if (status.code() == StatusCode::kIOError && status.message().find("store") == 0) {
        break;
      }
    }
  }
  const Status finished = pipeline.Finish();
  if (isatty(STDERR_FILENO)) {
    std::fputs("\r\033[K", stderr);
  }
  if (!finished.ok()) {
    return Fail(finished);
  }
  std::cout << FormatIngestSummary(pipeline.stats(), elapsed()) << std::endl;
  return exit_code;
}

std::string Highlight(std::string summary, bool tty) {
  const auto replace = [&summary](std::string_view from, std::string_view to) {
    for (size_t pos = 0; (pos = summary.find(from, pos)) != std::string::npos; pos += to.size()) {
      summary.replace(pos, from.size(), to);
    }
  };
  replace("<c0>", tty ? "\033[1m" : "[");
  replace("</c0>", tty ? "\033[0m" : "]");
  replace("<ddd/>", " … ");
  replace("&lt;", "<");
  replace("&gt;", ">");
  replace("&quot;", "\"");
  replace("&#39;", "'");
  replace("&amp;", "&");
  return summary;
}

// --now: the clock KQL's relative dates use (default: the system clock). False on a bad value.
bool ParseNow(const Args& args, UtcMillis* now) {
  const std::string text = args.Get("now");
  if (text.empty()) {
    return true;
  }
  Result<ParsedUtc> parsed = ParseUtc(text);
  if (!parsed.ok()) {
    return false;
  }
  *now = parsed->millis;
  return true;
}

int RunSearch(const Args& args) {
  const std::string index = args.Get("index");
  if (index.empty() || args.positional.empty()) {
    return UsageError("search needs --index DIR and a QUERY");
  }
  SearchRequest request;
  for (const std::string& word : args.positional) {
    request.query_text += (request.query_text.empty() ? "" : " ") + word;
  }
  if (!ParseCount(args.Get("limit", "20"), &request.row_limit) ||
      !ParseCount(args.Get("start", "0"), &request.start_row)) {
    return UsageError("--limit and --start take whole numbers");
  }
  const std::string stemming = args.Get("stemming", "on");
  const std::string accents = args.Get("accents", "insensitive");
  if ((stemming != "on" && stemming != "off") ||
      (accents != "sensitive" && accents != "insensitive")) {
    return UsageError("--stemming takes on or off, --accents sensitive or insensitive");
  }
  request.enable_stemming = stemming == "on";
  request.accent_sensitive = accents == "sensitive";
  if (!ParseNow(args, &request.now)) {
    return UsageError("--now takes a UTC time like 2024-06-12T10:00:00Z");
  }
  if (const std::string sort = args.Get("sort"); !sort.empty()) {
    const size_t colon = sort.find(':');
    const std::string direction =
        colon == std::string::npos ? "descending" : sort.substr(colon + 1);
    request.sort.push_back({sort.substr(0, colon), direction.rfind("desc", 0) == 0});
  }
  auto searcher = Searcher::Open(index);
  if (!searcher.ok()) {
    return Fail(searcher.error());
  }
  auto result = (*searcher)->Search(request);
  if (!result.ok()) {
    return Fail(result.error());
  }
  const bool tty = isatty(STDOUT_FILENO) != 0;
  std::cout << result->total_rows << (result->total_rows == 1 ? " hit" : " hits") << " for "
            << request.query_text << "\n";
  uint32_t row = request.start_row;
  for (const SearchHit& hit : result->hits) {
    const Item& item = hit.item;
    std::cout << "\n"
              << ++row << ". [" << ItemKindName(item.kind) << "] "
              << (item.sent != 0 ? FormatIso8601(item.sent) : std::string("(no date)")) << "  "
              << (item.title.empty() ? item.file_name : item.title) << "  (id " << item.id
              << ")\n   " << item.ipath << "\n";
    if (!item.from.empty()) {
      std::cout << "   from " << item.from;
      if (!item.participants.empty()) {
        std::cout << "; participants ";
        for (size_t i = 0; i < item.participants.size(); ++i) {
          std::cout << (i ? ", " : "") << item.participants[i];
        }
      }
      std::cout << "\n";
    }
    if (item.state != IndexState::kIndexed) {
      std::cout << "   " << IndexStateName(item.state) << ": " << item.state_reason << "\n";
    }
    if (!hit.highlighted_summary.empty()) {
      std::cout << "   " << Highlight(hit.highlighted_summary, tty) << "\n";
    }
  }
  return 0;
}

int RunUnindexed(const Args& args) {
  const std::string index = args.Get("index");
  if (index.empty()) {
    return UsageError("unindexed needs --index DIR");
  }
  auto store =
      DocStore::Open(IndexLayout(index).store(), {.create_if_missing = false, .read_only = true});
  if (!store.ok()) {
    return Fail(store.error());
  }
  const std::string format = args.Get("format", "text");
  if (format != "text" && format != "csv") {
    return UsageError("--format is text or csv");
  }
  if (format == "csv") {
    WriteUnindexedCsvHeader(std::cout);
  }
  uint64_t count = 0;
  const Status status = ForEachUnindexed(**store, [&](const UnindexedEntry& entry) {
    ++count;
    if (format == "csv") {
      WriteUnindexedCsvRow(std::cout, entry);
      return;
    }
    const Item& item = entry.item;
    std::cout << IndexStateName(item.state) << "\t" << item.id << "\t" << item.ipath << "\t"
              << item.state_reason << "\t" << entry.source << "\n";
  });
  if (!status.ok()) {
    return Fail(status);
  }
  std::cerr << count << " items not fully indexed\n";
  return 0;
}

// `compact`: storage/index_compaction.h says why and how it stays safe.
int RunCompact(const Args& args) {
  const std::string index = args.Get("index");
  if (index.empty() || !args.positional.empty()) {
    return UsageError("compact needs --index DIR");
  }
  const auto started = std::chrono::steady_clock::now();
  Result<CompactionReport> report = CompactIndex(index);
  if (!report.ok()) {
    return Fail(report.error());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("compacted %u search index shards: %.1f MB -> %.1f MB in %.1f s\n", report->shards,
              static_cast<double>(report->bytes_before) / 1e6,
              static_cast<double>(report->bytes_after) / 1e6, seconds);
  return 0;
}

// `directory import`: the identities recipient properties expand to (storage/directory.h).
// Allowed before the first ingest: the store is created, and searches resolve at query time.
int RunDirectory(const Args& args) {
  const std::string index = args.Get("index");
  if (index.empty() || args.positional.size() != 2 || args.positional[0] != "import") {
    return UsageError("directory needs: import --index DIR FILE.csv");
  }
  const std::string& path = args.positional[1];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Status::NotFound("cannot read directory file " + path));
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto csv = ParseDirectoryCsv(bytes.str());
  if (!csv.ok()) {
    return Fail(csv.error().WithContext(path));
  }
  for (const std::string& problem : csv->problems) {
    std::cerr << path << ": " << problem << "\n";
  }
  auto store = DocStore::Open(IndexLayout(index).store(), {});
  if (!store.ok()) {
    return Fail(store.error());
  }
  TextAnalyzer analyzer;
  auto stored = ImportDirectory(**store, csv->entries, analyzer);
  if (!stored.ok()) {
    return Fail(stored.error());
  }
  std::cout << "stored " << *stored << (*stored == 1 ? " identity" : " identities") << " from "
            << path;
  if (!csv->problems.empty()) {
    std::cout << "; skipped " << csv->problems.size()
              << (csv->problems.size() == 1 ? " row" : " rows");
  }
  std::cout << std::endl;
  return 0;
}

// Ctrl-C during an export: stop between documents and remove the partial package.
std::atomic<bool> g_export_cancelled{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void CancelExportOnSignal(int) { g_export_cancelled.store(true); }

bool ParseUnsigned(const std::string& text, uint64_t* out) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  *out = std::stoull(text);
  return true;
}

int RunExport(const Args& args) {
  ExportOptions options;
  options.index_dir = args.Get("index");
  options.query = args.Get("query");
  options.out = args.Get("out");
  options.case_name = args.Get("case");
  if (options.index_dir.empty() || options.out.empty() || !args.positional.empty()) {
    return UsageError("export needs --index DIR, --query KQL and --out FILE.zip");
  }
  Result<ExportInclude> include = ParseExportInclude(args.Get("include", "indexed"));
  Result<ExportDedupe> dedupe = ParseExportDedupe(args.Get("dedupe", "none"));
  Result<ExportFamilies> families = ParseExportFamilies(args.Get("families", "include"));
  for (const Status& status : {include.status(), dedupe.status(), families.status()}) {
    if (!status.ok()) {
      return UsageError(status.message());
    }
  }
  options.include = *include;
  options.dedupe = *dedupe;
  options.families = *families;
  options.bates_prefix = args.Get("bates-prefix", options.bates_prefix);
  uint64_t digits = options.bates_digits;
  if (!ParseUnsigned(args.Get("bates-start", "1"), &options.bates_start) ||
      !ParseUnsigned(args.Get("bates-digits", "7"), &digits) || digits > 18) {
    return UsageError("--bates-start and --bates-digits take whole numbers");
  }
  options.bates_digits = static_cast<uint32_t>(digits);
  if (!ParseNow(args, &options.now)) {
    return UsageError("--now takes a UTC time like 2024-06-12T10:00:00Z");
  }
  if (const Status valid = ValidateExportOptions(options); !valid.ok()) {
    return UsageError(valid.message());
  }
  std::signal(SIGINT, CancelExportOnSignal);
  std::signal(SIGTERM, CancelExportOnSignal);
  ExportControl control;
  control.cancel = &g_export_cancelled;
  control.process_exits_after = true;  // `docket export` exits once the result is printed
  const bool tty = isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  if (tty) {
    auto last = start - std::chrono::seconds(1);
    control.on_progress = [&](const ExportProgress& progress) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last < std::chrono::milliseconds(200) && progress.phase == "writing") {
        return;
      }
      last = now;
      const double fraction =
          progress.documents_total == 0
              ? (progress.phase == "done" ? 1.0 : 0.0)
              : static_cast<double>(progress.documents_done) / progress.documents_total;
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(fraction * kWidth);
      const double seconds = std::chrono::duration<double>(now - start).count();
      std::fprintf(stderr, "\r\033[K%-9s [%s%s] %3.0f%%  %llu/%llu documents  %.1f MB  %.1f MB/s",
                   progress.phase.c_str(), std::string(filled, '#').c_str(),
                   std::string(kWidth - filled, ' ').c_str(), fraction * 100,
                   static_cast<unsigned long long>(progress.documents_done),
                   static_cast<unsigned long long>(progress.documents_total),
                   static_cast<double>(progress.bytes_written) / 1e6,
                   seconds > 0 ? static_cast<double>(progress.bytes_written) / 1e6 / seconds : 0.0);
    };
  }
  Result<ExportResult> result = docket::RunExport(options, control);
  if (tty) {
    std::fputs("\r\033[K", stderr);
  }
  if (!result.ok()) {
    return Fail(result.error());
  }
  const ExportCounts& counts = result->counts;
  std::cout << "exported " << counts.documents << " documents (" << counts.families << " families, "
            << counts.natives << " natives, " << counts.native_bytes << " native bytes, "
            << counts.unindexed << " unindexed, " << counts.duplicates << " duplicates withheld, "
            << counts.errors << " errors, " << counts.warnings << " warnings) for "
            << counts.matched << " matching items to " << result->package.string() << " ("
            << result->package_bytes << " bytes, sha256 " << result->package_sha256 << ")"
            << std::endl;
  if (counts.errors > 0) {
    std::cerr << "docket: " << counts.errors
              << " documents have errors: see 'Errors and Warnings.csv' in the package\n";
  }
  return 0;
}

int RunServe(const Args& args) {
  const std::string index = args.Get("index");
  if (index.empty()) {
    return UsageError("serve needs --index DIR");
  }
  ServerOptions options;
  options.index_dir = index;
  options.listen = args.Get("listen", "127.0.0.1:8080");
  options.exports_dir = args.Get("exports-dir");
  if (!ParseNow(args, &options.now)) {
    return UsageError("--now takes a UTC time like 2024-06-12T10:00:00Z");
  }
  const Status status = RunServer(
      options, [](const std::string& url) { std::cout << "listening on " << url << std::endl; });
  return status.ok() ? 0 : Fail(status);
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    return UsageError("no command given");
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  struct Command {
    std::vector<std::string> flags;
    int (*run)(const Args&);
  };
  const std::map<std::string, Command> commands = {
      {"ingest", {{"index", "custodian", "commit-every"}, RunIngest}},
      {"search", {{"index", "start", "limit", "sort", "stemming", "accents", "now"}, RunSearch}},
      {"serve", {{"index", "listen", "now", "exports-dir"}, RunServe}},
      {"unindexed", {{"index", "format"}, RunUnindexed}},
      {"compact", {{"index"}, RunCompact}},
      {"directory", {{"index"}, RunDirectory}},
      {"export",
       {{"index", "query", "out", "case", "include", "dedupe", "families", "bates-prefix",
         "bates-start", "bates-digits", "now"},
        RunExport}},
  };
  const auto it = commands.find(command);
  if (it == commands.end()) {
    return UsageError("unknown command '" + command + "'");
  }
  ConfigureHeapFor(command);  // app/allocator.cc: huge pages and kept pages for an export
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, it->second.flags, &args, &error)) {
    return UsageError(error);
  }
  return it->second.run(args);
}

}  // namespace
}  // namespace docket

int main(int argc, char** argv) {
  try {
    return docket::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "docket: internal error: " << e.what() << "\n";
    return 1;
  }
}
