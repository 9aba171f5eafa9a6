/** @file
 *  @brief ExportJobs: legal exports run as background jobs for the HTTP API (POST /api/exports),
 *  independent of the connection that started them: a client that disconnects, polls later
 *  or never comes back does not change the package.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time_util.h"
#include "export/export_options.h"
#include "export/exporter.h"

namespace docket {

enum class ExportJobState : uint8_t { kQueued, kRunning, kSucceeded, kFailed, kCancelled };

/// "queued", "running", "succeeded", "failed", "cancelled".
std::string_view ExportJobStateName(ExportJobState state);

struct ExportJobInfo {
  std::string id;  // 32 lower-case hex digits, random: not guessable from another job's id
  ExportJobState state = ExportJobState::kQueued;
  ExportOptions options;    // as run (index_dir and out filled in by the job manager)
  ExportProgress progress;  // latest report from the exporter
  ExportResult result;      // filled when succeeded
  std::string error;        // why it failed; empty otherwise
  UtcMillis created_at = 0;
  // 0 while queued or running, and while a cancelled job is still stopping.
  UtcMillis finished_at = 0;
};

/// What runs one export: RunExport, or in tests a stand-in that drives the state machine.
using ExportRunner =
    std::function<Result<ExportResult>(const ExportOptions& options, const ExportControl& control)>;

class ExportJobs {
 public:
  /// Jobs export `index_dir` into `output_dir` (created when missing) as "<id>.zip". Jobs run
  /// one at a time in a background thread, in the order they were started.
  ExportJobs(std::filesystem::path index_dir, std::filesystem::path output_dir);
  /// The same with `runner` instead of RunExport.
  ExportJobs(std::filesystem::path index_dir, std::filesystem::path output_dir,
             ExportRunner runner);
  /// Cancels the running job, drops the queued ones and joins the thread.
  ~ExportJobs();
  ExportJobs(const ExportJobs&) = delete;
  ExportJobs& operator=(const ExportJobs&) = delete;

  /// Validates `options` (ValidateExportOptions), sets index_dir and out, queues the job and
  /// returns its id. InvalidArgument for bad options, before anything is queued.
  Result<std::string> Start(ExportOptions options);
  /// NotFound for an unknown id.
  Result<ExportJobInfo> Get(const std::string& id) const;
  /// Every job, oldest first.
  std::vector<ExportJobInfo> List() const;
  /// Queued or running: cancels (the partial package is removed). Finished: removes the job
  /// and its package. NotFound for an unknown id.
  Status Cancel(const std::string& id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
