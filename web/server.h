/** @file
 *  @brief `docket serve`: the searcher behind the HTTP API and the search page.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "common/time_util.h"
#include "web/sharepoint_api.h"

namespace docket {

class ExportJobs;
class Searcher;

namespace web {
class HttpListener;
class Router;
}  // namespace web

// The server's entry points live in `docket` beside Searcher; the pieces behind them are in
// docket::web.

struct ServerOptions {
  // Index directory written by `docket ingest` (opened read-only).
  std::filesystem::path index_dir;
  // "HOST:PORT" to listen on; HOST is an IP literal ("[::1]" for IPv6) or "localhost"; port 0
  // picks a free port (the real one is reported). Default: "127.0.0.1:8080"
  std::string listen = "127.0.0.1:8080";
  // I/O threads (a search runs on the I/O thread that read its request). Default: 2
  int threads = 2;
  // The clock of KQL's relative dates (today, "this week", ...) for every search this server
  // runs (`docket serve --now`, tests); 0 means the system clock. Default: 0
  UtcMillis now = 0;
  // Where /api/exports jobs write their packages ("<id>.zip"); created when missing. Packages
  // stay until DELETE /api/exports/{id}. Default: "<index_dir>/exports"
  std::filesystem::path exports_dir;
};

/// Splits "127.0.0.1:8080" / "[::1]:0" / "localhost:80" into host and port.
Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view listen);

/// A running server. Destroying it stops it (see Stop()).
class Server {
 public:
  /// Opens the Searcher on options.index_dir, binds and starts serving; returns once the port
  /// is bound, so url() is immediately usable. Legal exports (/api/exports) run over the same
  /// index into options.exports_dir.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options);
  /// The same with a given search function instead of an index (tests; options.index_dir is
  /// ignored, and /api/exports answers 503: there is no index to export).
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                               web::SearchFunction search,
                                               web::SuggestFunction suggest = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  /// "http://127.0.0.1:PORT"
  std::string url() const;

  /// SIGINT and SIGTERM stop the server from now on.
  void StopOnSignals();
  /// Stops accepting, lets requests in progress finish (a few seconds at most), stops the I/O
  /// threads. Thread-safe and idempotent; returns without waiting (see Wait()).
  void Stop();
  /// Blocks until the server has stopped.
  void Wait();

 private:
  Server() = default;
  static Result<std::unique_ptr<Server>> StartWith(const ServerOptions& options,
                                                   web::SearchFunction search,
                                                   web::SuggestFunction suggest,
                                                   std::unique_ptr<ExportJobs> exports);
  std::unique_ptr<Searcher> searcher_;   // outlives listener_ (declared first)
  std::unique_ptr<ExportJobs> exports_;  // outlives listener_ too: its handlers point here
  std::shared_ptr<web::Router> router_;
  std::unique_ptr<web::HttpListener> listener_;
};

/// `docket serve`: Start(), report the bound URL through `on_listening`, serve until SIGINT or
/// SIGTERM, stop gracefully. Errors: the Searcher's (e.g. no index), InvalidArgument for a bad
/// `listen`, IOError "cannot listen on 127.0.0.1:8080: address in use".
Status RunServer(const ServerOptions& options,
                 std::function<void(const std::string& url)> on_listening);

}  // namespace docket
