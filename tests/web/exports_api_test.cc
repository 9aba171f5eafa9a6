/** @file
 *  @brief Legal exports over HTTP: "{name}" route parameters, file bodies streamed by the real
 *         listener, the ExportJobs state machine (with a controllable stand-in exporter), the
 *         /api/exports handlers, and the whole path on a real index ingested by `docket ingest`.
 */
#include "web/exports_api.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "export/export_jobs.h"
#include "tests/support/archive_builder.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "tests/web/fake_search.h"
#include "web/listener.h"
#include "web/router.h"
#include "web/routes.h"
#include "web/server.h"

namespace docket::web {
namespace {

using docket::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

// Polls `done` every 10 ms for up to `seconds`.
bool WaitFor(const std::function<bool()>& done, int seconds = 30) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

fs::path PartialOf(const fs::path& out) {
  fs::path partial = out;
  partial += ".partial";
  return partial;
}

// ---- "{name}" path parameters ------------------------------------------------------------------

TEST(PathParamsTest, PlaceholdersTakeOneSegment) {
  RequestContext context;
  ASSERT_TRUE(
      MatchRoutePattern("/api/exports/{id}/download", "/api/exports/ab12/download", &context));
  EXPECT_EQ("ab12", context.PathParam("id"));
  EXPECT_EQ("", context.PathParam("other"));
  ASSERT_TRUE(MatchRoutePattern("/api/{kind}/{id}", "/api/exports/x", &context));
  EXPECT_EQ("exports", context.PathParam("kind"));
  EXPECT_EQ("x", context.PathParam("id"));
  for (std::string_view path :
       {"/api/exports//download", "/api/exports/ab12", "/api/exports/ab12/download/x",
        "/api/exports/ab12/Download", "/API/exports/ab12/download", "/api/exports/ab12/download/",
        "api/exports/ab12/download"}) {
    EXPECT_FALSE(MatchRoutePattern("/api/exports/{id}/download", path, &context)) << path;
  }
  EXPECT_FALSE(MatchRoutePattern("/api/exports/{id}", "/api/exports/", &context));
  // A matched plain pattern leaves no parameters behind from an earlier match.
  ASSERT_TRUE(MatchRoutePattern("/api/exports", "/api/exports", &context));
  EXPECT_TRUE(context.path_params.empty());
}

TEST(PathParamsTest, RouterDispatchesByMethodWithJsonErrors) {
  Router router;
  RegisterRoutes(router, RouteDependencies{testing::FakeSearch(), {}, nullptr, 0});
  Router::MatchResult match = router.Match("DELETE", "/api/exports/abc");
  ASSERT_NE(nullptr, match.route);
  EXPECT_EQ("export:cancel", match.context.action);
  EXPECT_EQ("abc", match.context.PathParam("id"));
  match = router.Match("GET", "/api/exports/abc/download");
  ASSERT_NE(nullptr, match.route);
  EXPECT_EQ("export:download", match.context.action);

  HttpRequest request;
  request.method = "PUT";
  ASSERT_OK(request.SetTarget("/api/exports/abc"));
  HttpResponse response = router.Dispatch(request);
  EXPECT_EQ(405, response.status);
  EXPECT_EQ("MethodNotAllowed", json::parse(response.body)["error"]["code"]);
  request.method = "GET";
  ASSERT_OK(request.SetTarget("/api/nothing"));
  response = router.Dispatch(request);
  EXPECT_EQ(404, response.status);
  EXPECT_EQ("NotFound", json::parse(response.body)["error"]["code"]);
  // The SharePoint API keeps its OData errors.
  ASSERT_OK(request.SetTarget("/sites/x/_api/nothing"));
  request.headers.Add("Accept", "application/json;odata=nometadata");
  EXPECT_TRUE(json::parse(router.Dispatch(request).body).contains("odata.error"));
}

// ---- file bodies through the real listener ----------------------------------------------------

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 engine(seed);
  std::string bytes(n, '\0');
  for (char& c : bytes) {
    c = static_cast<char>(engine() & 0xFF);
  }
  return bytes;
}

TEST(FileBodyTest, StreamsAFileByteForByte) {
  TempDir dir;
  const fs::path file = dir.path() / "big.bin";
  const std::string bytes = RandomBytes(7 * 1024 * 1024 + 13, 42);
  docket::testing::WriteFileOrDie(file, bytes);
  auto listener = HttpListener::Bind("127.0.0.1", 0, [&](const HttpRequest& request) {
    HttpResponse response;
    if (request.path == "/file") {
      response.content_type = "application/octet-stream";
      response.body_file = file;
    } else if (request.path == "/missing") {
      response.body_file = dir.path() / "gone.bin";
    } else {
      response.body = "text";
    }
    return response;
  });
  ASSERT_OK(listener);
  (*listener)->Start(2);
  const int port = (*listener)->port();

  docket::testing::HttpReply reply = docket::testing::HttpRequest(port, "GET", "/file");
  ASSERT_EQ(200, reply.status);
  EXPECT_EQ(std::to_string(bytes.size()), reply.headers["content-length"]);
  EXPECT_EQ("application/octet-stream", reply.headers["content-type"]);
  EXPECT_EQ(0u, reply.headers.count("transfer-encoding"));
  EXPECT_TRUE(reply.body == bytes) << "got " << reply.body.size() << " bytes";

  reply = docket::testing::HttpRequest(port, "GET", "/missing");
  EXPECT_EQ(404, reply.status);

  // Keep-alive continues after a file: the file and then a string body on one connection.
  const std::string raw = docket::testing::SendRaw(
      port,
      "GET /file HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n");
  const size_t first_head = raw.find("\r\n\r\n");
  ASSERT_NE(std::string::npos, first_head);
  ASSERT_GE(raw.size(), first_head + 4 + bytes.size());
  EXPECT_TRUE(raw.compare(first_head + 4, bytes.size(), bytes) == 0);
  const std::string second = raw.substr(first_head + 4 + bytes.size());
  EXPECT_TRUE(second.starts_with("HTTP/1.1 200")) << second.substr(0, 100);
  EXPECT_TRUE(second.ends_with("\r\n\r\ntext")) << second;
}

// ---- ExportJobs with a stand-in exporter -------------------------------------------------------

// Writes "<out>.partial" like RunExport, then waits until the test releases it (or the job is
// cancelled) so that every state can be observed without racing a real export.
class GatedExporter {
 public:
  ExportRunner Runner() {
    return [this](const ExportOptions& options, const ExportControl& control) {
      return Run(options, control);
    };
  }

  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    wake_.notify_all();
  }
  void Fail(std::string why) {
    std::lock_guard lock(mutex_);
    fail_ = std::move(why);
    released_ = true;
    wake_.notify_all();
  }
  int runs() const { return runs_.load(); }
  bool started() const { return started_.load(); }

 private:
  Result<ExportResult> Run(const ExportOptions& options, const ExportControl& control) {
    runs_.fetch_add(1);
    const fs::path partial = PartialOf(options.out);
    docket::testing::WriteFileOrDie(partial, "PK-partial-" + options.query);
    control.on_progress(ExportProgress{"writing", 3, 10, 12345});
    started_.store(true);
    std::unique_lock lock(mutex_);
    while (!released_ && !control.cancel->load()) {
      wake_.wait_for(lock, std::chrono::milliseconds(5));
    }
    started_.store(false);
    released_ = false;
    if (control.cancel->load()) {
      fs::remove(partial);
      return Status::Cancelled("export cancelled");
    }
    if (!fail_.empty()) {
      fs::remove(partial);
      return Status::IOError(fail_);
    }
    fs::rename(partial, options.out);
    ExportResult result;
    result.package = options.out;
    result.package_bytes = fs::file_size(options.out);
    result.package_sha256 = std::string(64, 'a');
    result.counts.matched = 10;
    result.counts.documents = 12;
    result.counts.native_bytes = 777;
    return result;
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool released_ = false;
  std::string fail_;
  std::atomic<int> runs_{0};
  std::atomic<bool> started_{false};
};

ExportOptions Query(std::string kql) {
  ExportOptions options;
  options.query = std::move(kql);
  return options;
}

class ExportJobsTest : public ::testing::Test {
 protected:
  fs::path out_dir() const { return dir_.path() / "exports"; }
  ExportJobInfo Info(const std::string& id) {
    Result<ExportJobInfo> info = jobs_.Get(id);
    EXPECT_OK(info);
    return info.ok() ? *info : ExportJobInfo{};
  }
  bool Finished(const std::string& id) { return Info(id).finished_at != 0; }

  TempDir dir_;
  GatedExporter exporter_;
  ExportJobs jobs_{dir_.path() / "index", dir_.path() / "exports", exporter_.Runner()};
};

TEST_F(ExportJobsTest, RunsToSuccessAndDeleteRemovesThePackage) {
  Result<std::string> id = jobs_.Start(Query("budget"));
  ASSERT_OK(id);
  EXPECT_EQ(32u, id->size());
  EXPECT_EQ(std::string::npos, id->find_first_not_of("0123456789abcdef"));
  ASSERT_TRUE(WaitFor([&] { return exporter_.started(); }));
  ExportJobInfo info = Info(*id);
  EXPECT_EQ(ExportJobState::kRunning, info.state);
  EXPECT_EQ(3u, info.progress.documents_done);
  EXPECT_EQ(10u, info.progress.documents_total);
  EXPECT_EQ(dir_.path() / "index", info.options.index_dir);
  EXPECT_EQ(out_dir() / (*id + ".zip"), info.options.out);
  EXPECT_NE(0, info.created_at);
  EXPECT_EQ(0, info.finished_at);

  exporter_.Release();
  ASSERT_TRUE(WaitFor([&] { return Info(*id).state == ExportJobState::kSucceeded; }));
  info = Info(*id);
  EXPECT_NE(0, info.finished_at);
  EXPECT_EQ(12u, info.result.counts.documents);
  EXPECT_EQ("PK-partial-budget", docket::testing::ReadFileOrDie(info.result.package));

  ASSERT_OK(jobs_.Cancel(*id));
  EXPECT_TRUE(jobs_.Get(*id).error().IsNotFound());
  EXPECT_FALSE(fs::exists(info.result.package));
  EXPECT_TRUE(jobs_.List().empty());
  EXPECT_TRUE(jobs_.Cancel(*id).IsNotFound());
}

TEST_F(ExportJobsTest, CancelRunningLeavesNoFiles) {
  Result<std::string> id = jobs_.Start(Query("budget"));
  ASSERT_OK(id);
  ASSERT_TRUE(WaitFor([&] { return exporter_.started(); }));
  const fs::path out = out_dir() / (*id + ".zip");
  EXPECT_TRUE(fs::exists(PartialOf(out)));
  ASSERT_OK(jobs_.Cancel(*id));
  EXPECT_EQ(ExportJobState::kCancelled, Info(*id).state);
  ASSERT_TRUE(WaitFor([&] { return Finished(*id); }));
  EXPECT_EQ(ExportJobState::kCancelled, Info(*id).state);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(PartialOf(out)));
  // A second cancel of a stopped, cancelled job forgets it.
  ASSERT_OK(jobs_.Cancel(*id));
  EXPECT_TRUE(jobs_.Get(*id).error().IsNotFound());
}

TEST_F(ExportJobsTest, JobsRunInOrderAndAQueuedCancelNeverRuns) {
  Result<std::string> first = jobs_.Start(Query("one"));
  Result<std::string> second = jobs_.Start(Query("two"));
  Result<std::string> third = jobs_.Start(Query("three"));
  ASSERT_OK(first);
  ASSERT_OK(second);
  ASSERT_OK(third);
  EXPECT_NE(*first, *second);
  ASSERT_TRUE(WaitFor([&] { return exporter_.started(); }));
  EXPECT_EQ(ExportJobState::kRunning, Info(*first).state);
  EXPECT_EQ(ExportJobState::kQueued, Info(*second).state);
  ASSERT_OK(jobs_.Cancel(*second));
  EXPECT_EQ(ExportJobState::kCancelled, Info(*second).state);
  EXPECT_NE(0, Info(*second).finished_at);

  exporter_.Release();
  ASSERT_TRUE(WaitFor([&] { return Info(*third).state == ExportJobState::kRunning; }));
  exporter_.Release();
  ASSERT_TRUE(WaitFor([&] { return Info(*third).state == ExportJobState::kSucceeded; }));
  EXPECT_EQ(2, exporter_.runs());
  EXPECT_FALSE(fs::exists(out_dir() / (*second + ".zip")));
  const std::vector<ExportJobInfo> all = jobs_.List();
  ASSERT_EQ(3u, all.size());
  EXPECT_EQ(*first, all[0].id);
  EXPECT_EQ(*second, all[1].id);
  EXPECT_EQ(*third, all[2].id);
}

TEST_F(ExportJobsTest, FailureIsReportedAndLeavesNoFiles) {
  Result<std::string> id = jobs_.Start(Query("budget"));
  ASSERT_OK(id);
  ASSERT_TRUE(WaitFor([&] { return exporter_.started(); }));
  exporter_.Fail("disk full");
  ASSERT_TRUE(WaitFor([&] { return Info(*id).state == ExportJobState::kFailed; }));
  EXPECT_EQ("disk full", Info(*id).error);
  EXPECT_TRUE(fs::is_empty(out_dir()));
}

TEST_F(ExportJobsTest, BadOptionsAreRefusedBeforeQueueing) {
  Result<std::string> id = jobs_.Start(ExportOptions{});  // no query
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, id.error().code());
  EXPECT_TRUE(jobs_.List().empty());
  EXPECT_EQ(0, exporter_.runs());
}

TEST(ExportJobsShutdownTest, DestructorCancelsTheRunningJob) {
  TempDir dir;
  GatedExporter exporter;
  fs::path out;
  {
    ExportJobs jobs(dir.path() / "index", dir.path() / "exports", exporter.Runner());
    Result<std::string> id = jobs.Start(Query("budget"));
    ASSERT_OK(id);
    ASSERT_OK(jobs.Start(Query("queued")));
    ASSERT_TRUE(WaitFor([&] { return exporter.started(); }));
    out = dir.path() / "exports" / (*id + ".zip");
  }  // never released: only the cancel can end the run
  EXPECT_EQ(1, exporter.runs());
  EXPECT_FALSE(fs::exists(PartialOf(out)));
  EXPECT_FALSE(fs::exists(out));
}

// ---- the handlers
// --------------------------------------------------------------------------------

HttpRequest Request(const std::string& method, const std::string& target,
                    const std::string& body = {}) {
  HttpRequest request;
  request.method = method;
  EXPECT_OK(request.SetTarget(target));
  request.body = body;
  return request;
}

class ExportsApiTest : public ExportJobsTest {
 protected:
  void SetUp() override {
    RegisterRoutes(router_, RouteDependencies{testing::FakeSearch(), {}, &jobs_, 12345});
  }
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = {}) {
    return router_.Dispatch(Request(method, target, body));
  }
  static json Body(const HttpResponse& response) {
    json body = json::parse(response.body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << response.body;
    return body;
  }
  std::string StartOne(const std::string& body) {
    const HttpResponse response = Call("POST", "/api/exports", body);
    EXPECT_EQ(202, response.status) << response.body;
    return Body(response).value("id", "");
  }

  Router router_;
};

TEST_F(ExportsApiTest, BadBodiesAre400WithTheReason) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "must be a JSON object"},
      {"{not json", "must be a JSON object"},
      {"[1,2]", "must be a JSON object"},
      {R"({"query":"a","famlies":"exclude","extra":1})", R"(unknown field(s) "extra", "famlies")"},
      {R"({"query":42})", R"("query" must be a string)"},
      {R"({"query":"a","include":"some"})", R"("include": )"},
      {R"({"query":"a","dedupe":"all"})", R"("dedupe": )"},
      {R"({"query":"a","families":true})", R"("families" must be a string)"},
      {R"({"query":"a","batesStart":-1})", R"("batesStart" must be a non-negative integer)"},
      {R"({"query":"a","batesDigits":"7"})", R"("batesDigits" must be a non-negative integer)"},
      {R"({"case":"x"})", ""},  // no query: ValidateExportOptions refuses it
  };
  for (const auto& [body, reason] : cases) {
    const HttpResponse response = Call("POST", "/api/exports", body);
    EXPECT_EQ(400, response.status) << body;
    EXPECT_EQ("application/json; charset=utf-8", response.content_type);
    const json error = Body(response)["error"];
    EXPECT_EQ("InvalidArgument", error["code"]) << body;
    EXPECT_NE(std::string::npos, error["message"].get<std::string>().find(reason))
        << body << " -> " << error["message"];
  }
  EXPECT_TRUE(jobs_.List().empty());
}

TEST_F(ExportsApiTest, OptionsReachTheJob) {
  const std::string id = StartOne(
      R"({"query":"budget AND sent>=2013-01-01","case":"Smith v. Contoso","include":"all",
          "dedupe":"custodian","families":"exclude","batesPrefix":"ABC","batesStart":100,
          "batesDigits":9})");
  ExportJobInfo info = Info(id);
  EXPECT_EQ("budget AND sent>=2013-01-01", info.options.query);
  EXPECT_EQ("Smith v. Contoso", info.options.case_name);
  EXPECT_EQ(ExportInclude::kAll, info.options.include);
  EXPECT_EQ(ExportDedupe::kCustodian, info.options.dedupe);
  EXPECT_EQ(ExportFamilies::kExclude, info.options.families);
  EXPECT_EQ("ABC", info.options.bates_prefix);
  EXPECT_EQ(100u, info.options.bates_start);
  EXPECT_EQ(9u, info.options.bates_digits);
  EXPECT_EQ(12345, info.options.now);  // the server's clock
}

TEST_F(ExportsApiTest, LifecycleShapes) {
  HttpResponse response = Call("POST", "/api/exports", R"({"query":"budget","case":"Smith"})");
  ASSERT_EQ(202, response.status);
  const json created = Body(response);
  const std::string id = created["id"];
  EXPECT_EQ(json::parse(R"({"self":"/api/exports/)" + id + R"(","download":"/api/exports/)" + id +
                        R"(/download"})"),
            created["links"]);
  EXPECT_TRUE(created["state"] == "queued" || created["state"] == "running");
  bool location = false;
  for (const auto& [name, value] : response.headers) {
    location = location || (name == "Location" && value == "/api/exports/" + id);
  }
  EXPECT_TRUE(location);

  ASSERT_TRUE(WaitFor([&] { return exporter_.started(); }));
  json job = Body(Call("GET", "/api/exports/" + id));
  EXPECT_EQ("running", job["state"]);
  EXPECT_EQ("budget", job["query"]);
  EXPECT_EQ("Smith", job["case"]);
  EXPECT_EQ(json::parse(R"({"phase":"writing","documentsDone":3,"documentsTotal":10,
                            "bytesWritten":12345,"percent":30})"),
            job["progress"]);
  EXPECT_TRUE(job["counts"].is_null());
  EXPECT_TRUE(job["finishedAt"].is_null());
  EXPECT_TRUE(job["packageSha256"].is_null());
  EXPECT_TRUE(job["createdAt"].get<std::string>().ends_with("Z"));

  // Download before success: 409 naming the state.
  response = Call("GET", "/api/exports/" + id + "/download");
  EXPECT_EQ(409, response.status);
  EXPECT_EQ("NotReady", Body(response)["error"]["code"]);
  EXPECT_NE(std::string::npos,
            Body(response)["error"]["message"].get<std::string>().find("is running"));

  exporter_.Release();
  ASSERT_TRUE(WaitFor([&] { return Info(id).state == ExportJobState::kSucceeded; }));
  job = Body(Call("GET", "/api/exports/" + id));
  EXPECT_EQ("succeeded", job["state"]);
  EXPECT_EQ(100, job["progress"]["percent"]);
  EXPECT_EQ(json::parse(R"({"matched":10,"documents":12,"families":0,"natives":0,
                            "nativeBytes":777,"textFiles":0,"unindexed":0,"duplicates":0,
                            "errors":0,"warnings":0})"),
            job["counts"]);
  EXPECT_EQ(std::string(64, 'a'), job["packageSha256"]);
  EXPECT_EQ(17, job["packageBytes"]);  // "PK-partial-budget"
  EXPECT_FALSE(job["finishedAt"].is_null());

  response = Call("GET", "/api/exports/" + id + "/download");
  ASSERT_EQ(200, response.status);
  EXPECT_EQ("application/zip", response.content_type);
  EXPECT_EQ(out_dir() / (id + ".zip"), response.body_file);
  std::string disposition;
  for (const auto& [name, value] : response.headers) {
    if (name == "Content-Disposition") {
      disposition = value;
    }
  }
  EXPECT_EQ("attachment; filename=\"Smith-" + id + ".zip\"", disposition);

  const json list = Body(Call("GET", "/api/exports"));
  ASSERT_EQ(1u, list["exports"].size());
  EXPECT_EQ(job, list["exports"][0]);

  // DELETE of a finished job: 204, and the job and its package are gone.
  response = Call("DELETE", "/api/exports/" + id);
  EXPECT_EQ(204, response.status);
  EXPECT_TRUE(response.body.empty());
  EXPECT_FALSE(fs::exists(out_dir() / (id + ".zip")));
  EXPECT_EQ(404, Call("GET", "/api/exports/" + id).status);
}

TEST_F(ExportsApiTest, DeleteRunningIs202Cancelled) {
  const std::string id = StartOne(R"({"query":"budget"})");
  ASSERT_TRUE(WaitFor([&] { return exporter_.started(); }));
  HttpResponse response = Call("DELETE", "/api/exports/" + id);
  ASSERT_EQ(202, response.status);
  EXPECT_EQ(json::parse(R"({"id":")" + id + R"(","state":"cancelled"})"), Body(response));
  ASSERT_TRUE(WaitFor([&] { return Finished(id); }));
  EXPECT_TRUE(fs::is_empty(out_dir()));
  EXPECT_EQ(409, Call("GET", "/api/exports/" + id + "/download").status);
}

TEST_F(ExportsApiTest, UnknownIdsAre404) {
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/exports/0123456789abcdef0123456789abcdef"},
           {"GET", "/api/exports/nope/download"},
           {"DELETE", "/api/exports/nope"},
           {"GET", "/api/exports/%FF%FE"}}) {
    const HttpResponse response = Call(method, target);
    EXPECT_EQ(404, response.status) << target;
    EXPECT_EQ("NotFound", Body(response)["error"]["code"]) << target;
  }
}

TEST(ExportsApiDisabledTest, Every503WithoutJobs) {
  Router router;
  RegisterRoutes(router, RouteDependencies{testing::FakeSearch(), {}, nullptr, 0});
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/api/exports"},
                                                        {"GET", "/api/exports"},
                                                        {"GET", "/api/exports/x"},
                                                        {"GET", "/api/exports/x/download"},
                                                        {"DELETE", "/api/exports/x"}}) {
    const HttpResponse response = router.Dispatch(Request(method, target, R"({"query":"a"})"));
    EXPECT_EQ(503, response.status) << method << " " << target;
    EXPECT_EQ("exports are not enabled", json::parse(response.body)["error"]["message"]);
  }
}

TEST(ExportDownloadFileNameTest, CaseNamesAreSanitised) {
  ExportJobInfo job;
  job.id = "0f";
  const std::pair<std::string, std::string> cases[] = {
      {"", "docket-0f.zip"},
      {"Smith v. Contoso", "Smith_v._Contoso-0f.zip"},
      {"../../etc/passwd", ".._.._etc_passwd-0f.zip"},
      {"a\"b\r\nc", "a_b_c-0f.zip"},
      {"案件", "docket-0f.zip"},
      {"案件 42", "_42-0f.zip"},
      {"CASE-2013_07.v2", "CASE-2013_07.v2-0f.zip"},
  };
  for (const auto& [name, expected] : cases) {
    job.options.case_name = name;
    EXPECT_EQ(expected, ExportDownloadFileName(job)) << name;
  }
}

// ---- the real thing: `docket ingest`, Server, RunExport, HTTP on 127.0.0.1 ----------------------

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t line = 0;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
    if (++line == 19) {  // 76 characters a line, as MIME wants
      out += "\r\n";
      line = 0;
    }
  }
  return out + "\r\n";
}

// One mail with a random binary attachment; `word` goes into the subject and the body.
std::string Mail(int n, const std::string& word, size_t attachment_bytes) {
  const std::string number = std::to_string(n);
  return "From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: " + word + " review " +
         number + "\r\nDate: Mon, 3 Jun 2013 09:" + std::to_string(10 + n % 50) +
         ":02 +0000\r\nMessage-ID: <" + number + "." + word +
         "@contoso.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
         "boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe " +
         word + " numbers, part " + number +
         ".\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: "
         "attachment; filename=\"data-" +
         number + ".bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         Base64(RandomBytes(attachment_bytes, static_cast<uint32_t>(n))) + "--b--\r\n";
}

// One corpus and one ingest (by the real binary) for the suite: 3 small "pizza" mails for
// quick exports, 120 "budget" mails with 256 KiB attachments for an export slow enough to be
// caught running (about 1.3 s for its 75 MB package in a Debug build, against the few ms the
// test needs to see it running and cancel it). Each test gets its own server and exports
// directory.
class ExportServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    corpus_ = new TempDir();
    setup_error_ = new std::string(Prepare());
  }
  static void TearDownTestSuite() {
    delete setup_error_;
    delete corpus_;
  }
  static fs::path index_dir() { return corpus_->path() / "index"; }

  static std::string Prepare() {
    std::vector<docket::testing::ArchiveMember> members;
    for (int i = 0; i < 3; ++i) {
      members.push_back({"mail/pizza-" + std::to_string(i) + ".eml", Mail(i, "pizza", 2000)});
    }
    for (int i = 0; i < 120; ++i) {
      members.push_back(
          {"mail/budget-" + std::to_string(i) + ".eml", Mail(100 + i, "budget", 256 * 1024)});
    }
    const fs::path zip = corpus_->path() / "mail.zip";
    docket::testing::WriteFileOrDie(
        zip, docket::testing::BuildArchive(docket::testing::ArchiveFormat::kZip, members));
    const docket::testing::CommandResult ingest =
        docket::testing::RunCommand({docket::testing::DocketBinary().string(), "ingest", "--index",
                                     index_dir().string(), "--custodian", "Alice", zip.string()});
    if (ingest.exit_code != 0) {
      return "docket ingest failed: " + ingest.err;
    }
    return {};
  }

  void SetUp() override {
    ASSERT_TRUE(setup_error_->empty()) << *setup_error_;
    ServerOptions options;
    options.index_dir = index_dir();
    options.listen = "127.0.0.1:0";
    options.exports_dir = dir_.path() / "exports";
    auto server = Server::Start(options);
    ASSERT_OK(server);
    server_ = std::move(*server);
    port_ = server_->port();
  }

  docket::testing::HttpReply Call(const std::string& method, const std::string& target,
                                  const std::string& body = {}) {
    return docket::testing::HttpRequest(port_, method, target,
                                        {{"Content-Type", "application/json"}}, body);
  }
  json GetJob(const std::string& id) {
    const docket::testing::HttpReply reply = Call("GET", "/api/exports/" + id);
    EXPECT_EQ(200, reply.status) << reply.body;
    return json::parse(reply.body, nullptr, false);
  }
  // Polls until the job has finished (finishedAt set); returns its last state.
  json WaitFinished(const std::string& id) {
    json job;
    WaitFor(
        [&] {
          job = GetJob(id);
          return job.is_object() && !job["finishedAt"].is_null();
        },
        180);
    return job;
  }
  std::set<std::string> ExportFiles() const {
    std::set<std::string> names;
    if (fs::exists(dir_.path() / "exports")) {
      for (const auto& entry : fs::directory_iterator(dir_.path() / "exports")) {
        names.insert(entry.path().filename().string());
      }
    }
    return names;
  }

  // Downloads the package and checks it with Python's zipfile (an independent reader).
  void ExpectDownloadablePackage(const json& job, const std::string& expected_name) {
    const std::string id = job["id"];
    const docket::testing::HttpReply reply = Call("GET", "/api/exports/" + id + "/download");
    ASSERT_EQ(200, reply.status) << reply.body;
    EXPECT_EQ("application/zip", reply.headers.at("content-type"));
    EXPECT_EQ("attachment; filename=\"" + expected_name + "\"",
              reply.headers.at("content-disposition"));
    EXPECT_EQ(job["packageBytes"].get<uint64_t>(), reply.body.size());
    const fs::path copy = dir_.path() / "downloaded.zip";
    docket::testing::WriteFileOrDie(copy, reply.body);
    const docket::testing::CommandResult check = docket::testing::RunCommand(
        {"python3", "-c",
         "import hashlib, json, sys, zipfile\n"
         "z = zipfile.ZipFile(sys.argv[1])\n"
         "print(json.dumps({'names': z.namelist(), 'bad': z.testzip(),\n"
         "  'sha256': hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest()}))\n",
         copy.string()});
    ASSERT_EQ(0, check.exit_code) << check.err;
    const json listing = json::parse(check.out);
    EXPECT_TRUE(listing["bad"].is_null()) << listing["bad"];
    EXPECT_EQ(job["packageSha256"], listing["sha256"]);
    const std::vector<std::string> names = listing["names"];
    for (const char* wanted : {"manifest.xml", "loadfile.dat"}) {
      EXPECT_NE(names.end(), std::find(names.begin(), names.end(), wanted))
          << wanted << " missing from " << listing["names"];
    }
  }

  static TempDir* corpus_;
  static std::string* setup_error_;
  TempDir dir_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
};

TempDir* ExportServerTest::corpus_ = nullptr;
std::string* ExportServerTest::setup_error_ = nullptr;

TEST_F(ExportServerTest, PostPollDownload) {
  const docket::testing::HttpReply created =
      Call("POST", "/api/exports", R"({"query":"pizza","case":"Smith v. Contoso"})");
  ASSERT_EQ(202, created.status) << created.body;
  const std::string id = json::parse(created.body)["id"];
  EXPECT_EQ("/api/exports/" + id, created.headers.at("location"));
  const json job = WaitFinished(id);
  ASSERT_EQ("succeeded", job["state"]) << job.dump();
  EXPECT_EQ(3, job["counts"]["matched"]) << job.dump();
  EXPECT_EQ(100, job["progress"]["percent"]);
  ExpectDownloadablePackage(job, "Smith_v._Contoso-" + id + ".zip");
  EXPECT_EQ(std::set<std::string>{id + ".zip"}, ExportFiles());
}

TEST_F(ExportServerTest, SurvivesAClientThatHangsUpAfterPost) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(0, ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr));
  const std::string body = R"({"query":"pizza"})";
  const std::string request =
      "POST /api/exports HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  ASSERT_EQ(static_cast<ssize_t>(request.size()),
            ::send(fd, request.data(), request.size(), MSG_NOSIGNAL));
  ::close(fd);  // gone before the answer: the id is never seen by this client

  // A new connection finds the job in the list and gets the package.
  std::string id;
  ASSERT_TRUE(WaitFor([&] {
    const json list = json::parse(Call("GET", "/api/exports").body, nullptr, false);
    if (list.is_object() && list["exports"].size() == 1) {
      id = list["exports"][0]["id"];
    }
    return !id.empty();
  }));
  const json job = WaitFinished(id);
  ASSERT_EQ("succeeded", job["state"]) << job.dump();
  ExpectDownloadablePackage(job, "docket-" + id + ".zip");
}

TEST_F(ExportServerTest, DeleteOfARunningExportLeavesNothing) {
  docket::testing::HttpReply reply = Call("POST", "/api/exports", R"({"query":"budget"})");
  ASSERT_EQ(202, reply.status) << reply.body;
  const std::string big = json::parse(reply.body)["id"];
  reply = Call("POST", "/api/exports", R"({"query":"pizza"})");
  ASSERT_EQ(202, reply.status) << reply.body;
  const std::string small = json::parse(reply.body)["id"];

  // The second waits behind the first: downloading it now is a 409.
  reply = Call("GET", "/api/exports/" + small + "/download");
  EXPECT_EQ(409, reply.status);
  EXPECT_EQ("NotReady", json::parse(reply.body)["error"]["code"]) << reply.body;

  json job;
  ASSERT_TRUE(WaitFor([&] {
    job = GetJob(big);
    return job["state"] != "queued";
  }));
  ASSERT_EQ("running", job["state"])
      << "the export finished before it could be cancelled; " << job.dump();
  reply = Call("DELETE", "/api/exports/" + big);
  ASSERT_EQ(202, reply.status) << reply.body;
  EXPECT_EQ("cancelled", json::parse(reply.body)["state"]);
  job = WaitFinished(big);
  EXPECT_EQ("cancelled", job["state"]) << job.dump();
  EXPECT_TRUE(job["packageSha256"].is_null());

  // The queued one runs next; nothing of the cancelled one is left, under any name.
  ASSERT_EQ("succeeded", WaitFinished(small)["state"]);
  EXPECT_EQ(std::set<std::string>{small + ".zip"}, ExportFiles());

  // Removing the cancelled job (204) and the finished one (204) empties the directory.
  EXPECT_EQ(204, Call("DELETE", "/api/exports/" + big).status);
  EXPECT_EQ(204, Call("DELETE", "/api/exports/" + small).status);
  EXPECT_TRUE(ExportFiles().empty());
  EXPECT_EQ(404, Call("GET", "/api/exports/" + small).status);
}

TEST_F(ExportServerTest, ErrorBodies) {
  docket::testing::HttpReply reply = Call("POST", "/api/exports", R"({"query":"a","bates":1})");
  EXPECT_EQ(400, reply.status);
  EXPECT_EQ("application/json; charset=utf-8", reply.headers.at("content-type"));
  EXPECT_EQ("InvalidArgument", json::parse(reply.body)["error"]["code"]) << reply.body;
  reply = Call("POST", "/api/exports", R"({"query":"a","batesDigits":40})");
  EXPECT_EQ(400, reply.status);
  EXPECT_NE(std::string::npos, reply.body.find("40")) << reply.body;
  reply = Call("GET", "/api/exports/0123456789abcdef0123456789abcdef");
  EXPECT_EQ(404, reply.status);
  EXPECT_EQ("NotFound", json::parse(reply.body)["error"]["code"]) << reply.body;
  reply = Call("GET", "/api/exports/0123456789abcdef0123456789abcdef/download");
  EXPECT_EQ(404, reply.status);
  EXPECT_TRUE(ExportFiles().empty());
}

}  // namespace
}  // namespace docket::web
