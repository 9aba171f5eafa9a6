/** @file
 *  @brief /api/exports: request parsing, job JSON, download headers. The jobs themselves run in
 *         ExportJobs (export/), independent of the connection that started them.
 */
#include "web/exports_api.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "web/http_status.h"

namespace docket::web {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kJsonType = "application/json; charset=utf-8";
constexpr std::string_view kExportsPath = "/api/exports";

std::string Dump(const Json& json) {
  // Replacement rather than an exception for invalid UTF-8 (an id typed into a URL).
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

HttpResponse JsonResponse(int http_status, const Json& body) {
  HttpResponse response;
  response.status = http_status;
  response.content_type = std::string(kJsonType);
  response.body = Dump(body);
  // Job states and packages change from one request to the next, and packages are evidence:
  // no proxy or browser cache should keep either.
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse StatusResponse(const Status& status) {
  return ExportsErrorResponse(ToHttpStatus(status.code()), StatusCodeName(status.code()),
                              status.message());
}

HttpResponse DisabledResponse() {
  return ExportsErrorResponse(503, "Unavailable", "exports are not enabled");
}

std::string SelfLink(const std::string& id) { return std::string(kExportsPath) + "/" + id; }

Json Links(const std::string& id) {
  return Json{{"self", SelfLink(id)}, {"download", SelfLink(id) + "/download"}};
}

Json NullableTime(UtcMillis millis) {
  return millis == 0 ? Json(nullptr) : Json(FormatIso8601(millis));
}

Result<std::string> StringField(const std::string& name, const Json& value) {
  if (!value.is_string()) {
    return Status::InvalidArgument("\"" + name + "\" must be a string, got " + Dump(value));
  }
  return value.get<std::string>();
}

Result<uint64_t> UnsignedField(const std::string& name, const Json& value, uint64_t max) {
  if (!value.is_number_integer() || (!value.is_number_unsigned() && value.get<int64_t>() < 0)) {
    return Status::InvalidArgument("\"" + name + "\" must be a non-negative integer, got " +
                                   Dump(value));
  }
  const uint64_t number = value.get<uint64_t>();
  if (number > max) {
    return Status::InvalidArgument("\"" + name + "\" must be at most " + std::to_string(max) +
                                   ", got " + Dump(value));
  }
  return number;
}

// The body names the option words as the CLI does; a wrong word names the field it came from.
template <typename T>
Result<T> WordField(const std::string& name, const Json& value,
                    Result<T> (*parse)(std::string_view)) {
  DOCKET_ASSIGN_OR_RETURN(std::string word, StringField(name, value));
  Result<T> parsed = parse(word);
  if (!parsed.ok()) {
    return Status::InvalidArgument("\"" + name + "\": " + parsed.error().message());
  }
  return parsed;
}

// What a client sees of the job's progress. The percentage follows documents; it stays below
// 100 until the package is complete (reports and the zip directory come after the last
// document), so 100 always means "ready to download".
Json ProgressJson(const ExportJobInfo& job) {
  const ExportProgress& progress = job.progress;
  uint64_t percent = 0;
  if (job.state == ExportJobState::kSucceeded) {
    percent = 100;
  } else if (progress.documents_total > 0) {
    percent = std::min<uint64_t>(99, progress.documents_done * 100 / progress.documents_total);
  }
  return Json{{"phase", progress.phase},
              {"documentsDone", progress.documents_done},
              {"documentsTotal", progress.documents_total},
              {"bytesWritten", progress.bytes_written},
              {"percent", percent}};
}

Json CountsJson(const ExportCounts& counts) {
  return Json{{"matched", counts.matched},
              {"documents", counts.documents},
              {"families", counts.families},
              {"natives", counts.natives},
              {"nativeBytes", counts.native_bytes},
              {"textFiles", counts.text_files},
              {"unindexed", counts.unindexed},
              {"duplicates", counts.duplicates},
              {"errors", counts.errors},
              {"warnings", counts.warnings}};
}

Json JobJson(const ExportJobInfo& job) {
  const ExportOptions& options = job.options;
  const bool succeeded = job.state == ExportJobState::kSucceeded;
  Json json{
      {"id", job.id},
      {"state", ExportJobStateName(job.state)},
      {"query", options.query},
      {"case", options.case_name},
      {"settings",
       {{"include", ExportIncludeName(options.include)},
        {"dedupe", ExportDedupeName(options.dedupe)},
        {"families", ExportFamiliesName(options.families)},
        {"batesPrefix", options.bates_prefix},
        {"batesStart", options.bates_start},
        {"batesDigits", options.bates_digits}}},
      {"createdAt", NullableTime(job.created_at)},
      {"finishedAt", NullableTime(job.finished_at)},
      {"progress", ProgressJson(job)},
      // Counts and the package exist only once the package is complete; zeros before that
      // would read as "the query matched nothing".
      {"counts", succeeded ? CountsJson(job.result.counts) : Json(nullptr)},
      {"error", job.error.empty() ? Json(nullptr) : Json(job.error)},
      {"packageBytes", succeeded ? Json(job.result.package_bytes) : Json(nullptr)},
      {"packageSha256", succeeded ? Json(job.result.package_sha256) : Json(nullptr)},
      {"links", Links(job.id)},
  };
  return json;
}

bool IsFileNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

HttpResponse ExportsErrorResponse(int http_status, std::string_view code,
                                  std::string_view message) {
  return JsonResponse(http_status, Json{{"error", {{"code", code}, {"message", message}}}});
}

Result<ExportOptions> ParseExportRequestBody(std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return Status::InvalidArgument(
        "the body must be a JSON object such as {\"query\":\"budget\",\"case\":\"Smith v. "
        "Contoso\"}");
  }
  if (!json.is_object()) {
    return Status::InvalidArgument("the body must be a JSON object, got " + Dump(json));
  }
  static const std::set<std::string> kFields = {
      "query", "case", "include", "dedupe", "families", "batesPrefix", "batesStart", "batesDigits"};
  std::string unknown;
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (!kFields.contains(it.key())) {
      unknown += (unknown.empty() ? "\"" : ", \"") + it.key() + "\"";
    }
  }
  if (!unknown.empty()) {
    return Status::InvalidArgument(
        "unknown field(s) " + unknown +
        "; accepted: query, case, include, dedupe, families, batesPrefix, batesStart, "
        "batesDigits");
  }
  ExportOptions options;
  for (auto it = json.begin(); it != json.end(); ++it) {
    const std::string& name = it.key();
    const Json& value = it.value();
    if (value.is_null()) {
      continue;  // null means "the default", as an absent field does
    }
    if (name == "query") {
      DOCKET_ASSIGN_OR_RETURN(options.query, StringField(name, value));
    } else if (name == "case") {
      DOCKET_ASSIGN_OR_RETURN(options.case_name, StringField(name, value));
    } else if (name == "include") {
      DOCKET_ASSIGN_OR_RETURN(options.include, WordField(name, value, &ParseExportInclude));
    } else if (name == "dedupe") {
      DOCKET_ASSIGN_OR_RETURN(options.dedupe, WordField(name, value, &ParseExportDedupe));
    } else if (name == "families") {
      DOCKET_ASSIGN_OR_RETURN(options.families, WordField(name, value, &ParseExportFamilies));
    } else if (name == "batesPrefix") {
      DOCKET_ASSIGN_OR_RETURN(options.bates_prefix, StringField(name, value));
    } else if (name == "batesStart") {
      DOCKET_ASSIGN_OR_RETURN(options.bates_start,
                              UnsignedField(name, value, std::numeric_limits<uint64_t>::max()));
    } else if (name == "batesDigits") {
      DOCKET_ASSIGN_OR_RETURN(const uint64_t digits, UnsignedField(name, value, 1000));
      options.bates_digits = static_cast<uint32_t>(digits);
    }
  }
  return options;
}

std::string ExportDownloadFileName(const ExportJobInfo& job) {
  std::string name;
  bool readable = false;
  for (const char c : job.options.case_name) {
    if (IsFileNameChar(c)) {
      name.push_back(c);
      readable = readable || (c != '.' && c != '_' && c != '-');
    } else if (name.empty() || name.back() != '_') {
      name.push_back('_');  // one '_' per run: "Smith v. Contoso" -> "Smith_v._Contoso"
    }
  }
  if (!readable) {
    name = "docket";
  }
  return name + "-" + job.id + ".zip";
}

std::string ExportJobJson(const ExportJobInfo& job) { return Dump(JobJson(job)); }

HttpResponse HandleCreateExport(ExportJobs* jobs, UtcMillis now, const HttpRequest& request) {
  if (jobs == nullptr) {
    return DisabledResponse();
  }
  Result<ExportOptions> options = ParseExportRequestBody(request.body);
  if (!options.ok()) {
    return StatusResponse(options.error());
  }
  // Every export of one server sees the same "today" as its searches do.
  options->now = now;
  Result<std::string> id = jobs->Start(std::move(*options));
  if (!id.ok()) {
    return StatusResponse(id.error());
  }
  Result<ExportJobInfo> job = jobs->Get(*id);
  const std::string_view state =
      job.ok() ? ExportJobStateName(job->state) : ExportJobStateName(ExportJobState::kQueued);
  HttpResponse response =
      JsonResponse(202, Json{{"id", *id}, {"state", state}, {"links", Links(*id)}});
  response.headers.emplace_back("Location", SelfLink(*id));
  return response;
}

HttpResponse HandleListExports(ExportJobs* jobs, const HttpRequest& /*request*/) {
  if (jobs == nullptr) {
    return DisabledResponse();
  }
  Json list = Json::array();
  for (const ExportJobInfo& job : jobs->List()) {
    list.push_back(JobJson(job));
  }
  return JsonResponse(200, Json{{"exports", std::move(list)}});
}

HttpResponse HandleGetExport(ExportJobs* jobs, const HttpRequest& /*request*/,
                             const RequestContext& context) {
  if (jobs == nullptr) {
    return DisabledResponse();
  }
  Result<ExportJobInfo> job = jobs->Get(std::string(context.PathParam("id")));
  if (!job.ok()) {
    return StatusResponse(job.error());
  }
  return JsonResponse(200, JobJson(*job));
}

HttpResponse HandleDownloadExport(ExportJobs* jobs, const HttpRequest& /*request*/,
                                  const RequestContext& context) {
  if (jobs == nullptr) {
    return DisabledResponse();
  }
  Result<ExportJobInfo> job = jobs->Get(std::string(context.PathParam("id")));
  if (!job.ok()) {
    return StatusResponse(job.error());
  }
  if (job->state != ExportJobState::kSucceeded) {
    std::string message = "export " + job->id + " is " +
                          std::string(ExportJobStateName(job->state)) +
                          "; its package can be downloaded once the export has succeeded";
    if (!job->error.empty()) {
      message += " (it failed: " + job->error + ")";
    }
    return ExportsErrorResponse(409, "NotReady", message);
  }
  HttpResponse response;
  response.status = 200;
  response.content_type = "application/zip";
  response.body_file = job->result.package;
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"" + ExportDownloadFileName(*job) + "\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse HandleDeleteExport(ExportJobs* jobs, const HttpRequest& /*request*/,
                                const RequestContext& context) {
  if (jobs == nullptr) {
    return DisabledResponse();
  }
  const std::string id(context.PathParam("id"));
  if (Status status = jobs->Cancel(id); !status.ok()) {
    return StatusResponse(status);
  }
  // Cancel removes a finished job and keeps a cancelled one (its export may still be winding
  // down): which of the two happened decides the answer.
  Result<ExportJobInfo> job = jobs->Get(id);
  if (!job.ok()) {
    HttpResponse response;
    response.status = 204;
    response.content_type.clear();
    return response;
  }
  return JsonResponse(202, Json{{"id", id}, {"state", ExportJobStateName(job->state)}});
}

}  // namespace docket::web
