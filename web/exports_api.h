/** @file
 *  @brief The legal-export HTTP API: POST /api/exports starts a background export job, GET
 *         /api/exports[/{id}] reports jobs, GET /api/exports/{id}/download streams the package,
 *         DELETE /api/exports/{id} cancels or removes a job.
 *
 *  JSON in and out (application/json). Errors are {"error":{"code","message"}}: 400 for a bad
 *  body or bad options, 404 for an unknown id, 409 for a download before the job succeeded,
 *  503 when the server runs without exports. Every handler takes the job manager as a pointer;
 *  null means exports are not enabled.
 */
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time_util.h"
#include "export/export_jobs.h"
#include "export/export_options.h"
#include "web/http_types.h"
#include "web/router.h"

namespace docket::web {

/// Reads a POST /api/exports body: {"query","case","include","dedupe","families","batesPrefix",
/// "batesStart","batesDigits"}, every field optional but the options must then validate.
/// InvalidArgument for invalid JSON, a body that is not an object, a field of the wrong type, an
/// unknown option word, and unknown fields (all of them named, so a typo is not silently
/// ignored: a production missing its families because "famlies" was dropped is worse than a 400).
Result<ExportOptions> ParseExportRequestBody(std::string_view body);

/// "<case>-<id>.zip" with the case name cut down to [A-Za-z0-9._-] (others become '_');
/// "docket-<id>.zip" when nothing readable is left.
std::string ExportDownloadFileName(const ExportJobInfo& job);

/// A job as the API shows it (the JSON text of one element of GET /api/exports).
std::string ExportJobJson(const ExportJobInfo& job);

/// POST /api/exports. `now` is the server's clock for KQL's relative dates (0: system clock).
HttpResponse HandleCreateExport(ExportJobs* jobs, UtcMillis now, const HttpRequest& request);
/// GET /api/exports
HttpResponse HandleListExports(ExportJobs* jobs, const HttpRequest& request);
/// GET /api/exports/{id}
HttpResponse HandleGetExport(ExportJobs* jobs, const HttpRequest& request,
                             const RequestContext& context);
/// GET /api/exports/{id}/download
HttpResponse HandleDownloadExport(ExportJobs* jobs, const HttpRequest& request,
                                  const RequestContext& context);
/// DELETE /api/exports/{id}
HttpResponse HandleDeleteExport(ExportJobs* jobs, const HttpRequest& request,
                                const RequestContext& context);

/// {"error":{"code","message"}} with `http_status`; also the router's 404/405 under /api/.
HttpResponse ExportsErrorResponse(int http_status, std::string_view code, std::string_view message);

}  // namespace docket::web
