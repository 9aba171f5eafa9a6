/** @file
 *  @brief HttpListener: binds a TCP port and serves HTTP/1.1 on N threads (Beast; header is not).
 *
 *  listener.cc and http_session.cc are the only TUs that include Beast (about 25 s each to
 *  compile); this header stays free of Boost so server.cc and tests compile fast.
 */
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "web/http_types.h"

namespace docket::web {

/// Called for every well-formed request, on an I/O thread. May throw: the session turns an
/// escaped exception into a 500.
using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;

/// Per-connection limits (Beast 1.74 advanced_server: body_limit, expires_after).
struct HttpLimits {
  // Largest request body accepted; larger is 413. Default: 1 MiB
  uint64_t body_limit = 1024 * 1024;
  // Largest request line + header block; larger is 431. Default: 16 KiB
  uint32_t header_limit = 16 * 1024;
  // A read or write that takes longer closes the connection (slowloris). Default: 30 s
  std::chrono::seconds timeout{30};
  // On Stop(), how long requests already being handled may take to finish. Default: 5 s
  std::chrono::milliseconds stop_grace{5000};
};

class HttpListener {
 public:
  /// Binds `host:port` (an IP literal or "localhost"; port 0 picks a free port). Nothing is
  /// served until Start(). Bind failure: IOError "cannot listen on HOST:PORT: address in use".
  static Result<std::unique_ptr<HttpListener>> Bind(const std::string& host, uint16_t port,
                                                    RequestHandler handler,
                                                    const HttpLimits& limits = {});
  ~HttpListener();  // Stop() and Wait()
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  /// The bound port (the real one when 0 was asked for).
  uint16_t port() const;
  /// "http://127.0.0.1:PORT" ("http://[::1]:PORT" for IPv6).
  std::string url() const;

  /// Starts accepting on `threads` I/O threads (at least 1). Returns immediately.
  void Start(int threads);
  /// From now on SIGINT and SIGTERM call Stop() (for `docket serve`; tests leave signals alone).
  void StopOnSignals();
  /// Stops accepting, lets requests in progress finish (up to HttpLimits::stop_grace), then
  /// stops the I/O threads; idle keep-alive connections are closed. Thread-safe, idempotent,
  /// may be called from a handler.
  void Stop();
  /// Blocks until the I/O threads have exited (after Stop()). Not from an I/O thread.
  void Wait();

 private:
  struct Impl;
  explicit HttpListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket::web
