/** @file
 *  @brief See export_jobs.h. One worker thread takes queued jobs in order; everything a client
 *  can see of a job sits under one mutex, and the exporter only touches its job's progress
 *  (through on_progress, under that mutex) and reads its cancel flag.
 */
#include "export/export_jobs.h"

#include <sys/random.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

namespace docket {
namespace {

UtcMillis SystemNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// 16 bytes from the kernel's CSPRNG as 32 hex digits: the id is the only thing standing
// between one officer's package and another's guess, so it must not be predictable.
Result<std::string> RandomJobId() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Status::Internal(std::string("getrandom failed: ") +
                              std::generic_category().message(errno));
    }
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(2 * sizeof bytes);
  for (const unsigned char byte : bytes) {
    id.push_back(kHex[byte >> 4]);
    id.push_back(kHex[byte & 0x0F]);
  }
  return id;
}

std::filesystem::path PartialOf(const std::filesystem::path& out) {
  std::filesystem::path partial = out;
  partial += ".partial";
  return partial;
}

// Best effort: the exporter already removes its partial package on every failure; this only
// catches a package that completed in the instant between a cancel and the exporter's check.
void RemovePackage(const std::filesystem::path& out) {
  std::error_code ec;
  std::filesystem::remove(out, ec);
  std::filesystem::remove(PartialOf(out), ec);
}

}  // namespace

std::string_view ExportJobStateName(ExportJobState state) {
  switch (state) {
    case ExportJobState::kQueued:
      return "queued";
    case ExportJobState::kRunning:
      return "running";
    case ExportJobState::kSucceeded:
      return "succeeded";
    case ExportJobState::kFailed:
      return "failed";
    case ExportJobState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

struct ExportJobs::Impl {
  struct Job {
    ExportJobInfo info;
    std::atomic<bool> cancel{false};
    bool stopped = false;  // the worker is done with it (always true unless it ran)
  };

  std::filesystem::path index_dir;
  std::filesystem::path output_dir;
  ExportRunner runner;

  mutable std::mutex mutex;
  std::condition_variable wake;
  // Jobs by id, and their ids oldest first (List's order). A job is shared with the worker so
  // a DELETE of a finished job cannot pull it from under a progress report.
  std::map<std::string, std::shared_ptr<Job>> jobs;
  std::vector<std::string> order;
  std::deque<std::shared_ptr<Job>> queue;
  bool stopping = false;
  std::thread worker;

  void Work() {
    std::unique_lock lock(mutex);
    while (true) {
      wake.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) {
        return;
      }
      std::shared_ptr<Job> job = std::move(queue.front());
      queue.pop_front();
      if (job->info.state != ExportJobState::kQueued) {
        continue;  // cancelled while it waited
      }
      job->info.state = ExportJobState::kRunning;
      job->stopped = false;
      const ExportOptions options = job->info.options;
      lock.unlock();

      ExportControl control;
      control.cancel = &job->cancel;
      Job* raw = job.get();
      control.on_progress = [this, raw](const ExportProgress& progress) {
        std::lock_guard progress_lock(mutex);
        raw->info.progress = progress;
      };
      Result<ExportResult> result = runner(options, control);

      lock.lock();
      job->stopped = true;
      job->info.finished_at = SystemNow();
      if (job->cancel.load()) {
        // Cancel() already answered "cancelled"; whatever the exporter managed meanwhile,
        // nothing of it may stay on disk.
        job->info.state = ExportJobState::kCancelled;
        RemovePackage(options.out);
      } else if (result.ok()) {
        job->info.state = ExportJobState::kSucceeded;
        job->info.result = std::move(*result);
        job->info.progress.phase = "done";
      } else if (result.error().code() == StatusCode::kCancelled) {
        job->info.state = ExportJobState::kCancelled;
        RemovePackage(options.out);
      } else {
        job->info.state = ExportJobState::kFailed;
        job->info.error = result.error().message();
        RemovePackage(options.out);
      }
    }
  }
};

ExportJobs::ExportJobs(std::filesystem::path index_dir, std::filesystem::path output_dir)
    : ExportJobs(std::move(index_dir), std::move(output_dir),
                 [](const ExportOptions& options, const ExportControl& control) {
                   return RunExport(options, control);
                 }) {}

ExportJobs::ExportJobs(std::filesystem::path index_dir, std::filesystem::path output_dir,
                       ExportRunner runner)
    : impl_(std::make_unique<Impl>()) {
  impl_->index_dir = std::move(index_dir);
  impl_->output_dir = std::move(output_dir);
  impl_->runner = std::move(runner);
  impl_->worker = std::thread([impl = impl_.get()] { impl->Work(); });
}

ExportJobs::~ExportJobs() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    for (auto& [id, job] : impl_->jobs) {
      if (job->info.state == ExportJobState::kRunning) {
        job->cancel.store(true);
      } else if (job->info.state == ExportJobState::kQueued) {
        job->info.state = ExportJobState::kCancelled;
      }
    }
    impl_->queue.clear();
  }
  impl_->wake.notify_all();
  impl_->worker.join();
}

Result<std::string> ExportJobs::Start(ExportOptions options) {
  DOCKET_ASSIGN_OR_RETURN(std::string id, RandomJobId());
  options.index_dir = impl_->index_dir;
  options.out = impl_->output_dir / (id + ".zip");
  if (Status valid = ValidateExportOptions(options); !valid.ok()) {
    return valid;
  }
  std::error_code ec;
  std::filesystem::create_directories(impl_->output_dir, ec);
  if (ec) {
    return Status::IOError("cannot create the export directory " + impl_->output_dir.string() +
                           ": " + ec.message());
  }
  auto job = std::make_shared<Impl::Job>();
  job->info.id = id;
  job->info.state = ExportJobState::kQueued;
  job->info.options = std::move(options);
  job->info.progress.phase = "queued";
  job->info.created_at = SystemNow();
  job->stopped = true;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) {
      return Status::Cancelled("the server is shutting down; no new exports are accepted");
    }
    impl_->jobs.emplace(id, job);
    impl_->order.push_back(id);
    impl_->queue.push_back(std::move(job));
  }
  impl_->wake.notify_all();
  return id;
}

Result<ExportJobInfo> ExportJobs::Get(const std::string& id) const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->jobs.find(id);
  if (it == impl_->jobs.end()) {
    return Status::NotFound("no export with id '" + id + "'");
  }
  return it->second->info;
}

std::vector<ExportJobInfo> ExportJobs::List() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<ExportJobInfo> out;
  out.reserve(impl_->order.size());
  for (const std::string& id : impl_->order) {
    out.push_back(impl_->jobs.at(id)->info);
  }
  return out;
}

Status ExportJobs::Cancel(const std::string& id) {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->jobs.find(id);
  if (it == impl_->jobs.end()) {
    return Status::NotFound("no export with id '" + id + "'");
  }
  Impl::Job& job = *it->second;
  switch (job.info.state) {
    case ExportJobState::kQueued:
      // The worker skips it when its turn comes; nothing was written.
      job.info.state = ExportJobState::kCancelled;
      job.info.finished_at = SystemNow();
      return Status::OK();
    case ExportJobState::kRunning:
      // Answered at once; the exporter stops at its next check and removes its partial file,
      // and finished_at is set when it has (see Work).
      job.cancel.store(true);
      job.info.state = ExportJobState::kCancelled;
      return Status::OK();
    case ExportJobState::kCancelled:
      if (!job.stopped) {
        return Status::OK();  // a second DELETE while the first is still winding down
      }
      break;
    case ExportJobState::kSucceeded:
    case ExportJobState::kFailed:
      break;
  }
  // Finished: forget the job and delete its package.
  RemovePackage(job.info.options.out);
  std::erase(impl_->order, id);
  impl_->jobs.erase(it);
  return Status::OK();
}

}  // namespace docket
