/** @file
 *  @brief One HTTP/1.1 connection: read → handler → write, with limits. Beast TU #2.
 *
 *  Included only by listener.cc (it needs an Asio socket type, so it is not Boost-free).
 */
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>

#include "web/listener.h"

namespace docket::web {

/// State shared by every session of one listener.
struct SessionShared {
  RequestHandler handler;
  HttpLimits limits;
  std::atomic<uint64_t> next_request_id{0};
  std::atomic<int64_t> in_flight{0};  // requests read but not yet written (for graceful stop)
  std::atomic<bool> stopping{false};  // set by Stop(): answer with Connection: close
};

/// Takes ownership of an accepted socket and serves it until it closes. The socket's executor
/// should be a strand (net::make_strand), as in Beast's async server examples.
void StartHttpSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<SessionShared> shared);

}  // namespace docket::web
