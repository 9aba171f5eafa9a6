/** @file
 *  @brief Acceptor, I/O threads, signals and graceful stop (Beast 1.74 example/http/server/async).
 */
#include "web/listener.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "web/http_session.h"

namespace docket::web {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

struct HttpListener::Impl {
  // Declared first so it is destroyed last: pending handlers (sessions) die with it.
  net::io_context ioc;
  tcp::acceptor acceptor{net::make_strand(ioc)};
  std::shared_ptr<SessionShared> shared = std::make_shared<SessionShared>();
  std::optional<net::signal_set> signals;
  net::steady_timer stop_timer{ioc};
  net::steady_timer accept_retry_timer{acceptor.get_executor()};
  std::chrono::steady_clock::time_point stop_deadline;
  std::vector<std::thread> threads;
  std::mutex threads_mutex;
  bool started = false;  // guarded by threads_mutex
  std::atomic<bool> stop_requested{false};
  uint16_t port = 0;
  std::string url;

  void DoAccept() {
    acceptor.async_accept(net::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(error_code ec, tcp::socket socket) {
    if (!acceptor.is_open() || ec == net::error::operation_aborted) {
      return;  // Stop() closed the acceptor
    }
    if (ec) {
      // EMFILE and friends: report, then retry after a pause instead of spinning.
      std::fprintf(stderr, "docket serve: accept: %s\n", ec.message().c_str());
      accept_retry_timer.expires_after(std::chrono::milliseconds(100));
      accept_retry_timer.async_wait([this](error_code wait_ec) {
        if (!wait_ec && acceptor.is_open()) {
          DoAccept();
        }
      });
      return;
    }
    StartHttpSession(std::move(socket), shared);
    DoAccept();
  }

  // Runs on the I/O threads: close the acceptor, then wait for in-flight requests.
  void BeginStop() {
    net::dispatch(acceptor.get_executor(), [this] {
      error_code ignored;
      acceptor.close(ignored);  // Ignored: closing an acceptor cannot fail in a way we can act on.
      accept_retry_timer.cancel();
      if (signals) {
        signals->cancel(ignored);
      }
    });
    stop_deadline = std::chrono::steady_clock::now() + shared->limits.stop_grace;
    PollStop();
  }

  void PollStop() {
    if (shared->in_flight.load() <= 0 || std::chrono::steady_clock::now() >= stop_deadline) {
      ioc.stop();
      return;
    }
    stop_timer.expires_after(std::chrono::milliseconds(20));
    stop_timer.async_wait([this](error_code) { PollStop(); });
  }
};

HttpListener::HttpListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpListener::~HttpListener() {
  Stop();
  Wait();
}

Result<std::unique_ptr<HttpListener>> HttpListener::Bind(const std::string& host, uint16_t port,
                                                         RequestHandler handler,
                                                         const HttpLimits& limits) {
  const std::string where = host + ":" + std::to_string(port);
  error_code ec;
  const net::ip::address address = host == "localhost"
                                       ? net::ip::address(net::ip::address_v4::loopback())
                                       : net::ip::make_address(host, ec);
  if (ec) {
    return Status::InvalidArgument("cannot listen on " + where + ": '" + host +
                                   "' is not an IP address");
  }
  auto impl = std::make_unique<Impl>();
  impl->shared->handler = std::move(handler);
  impl->shared->limits = limits;
  const tcp::endpoint endpoint(address, port);
  const auto fail = [&](const error_code& error) -> Status {
    const std::string reason =
        error == net::error::address_in_use ? std::string("address in use") : error.message();
    return Status::IOError("cannot listen on " + where + ": " + reason);
  };
  impl->acceptor.open(endpoint.protocol(), ec);
  if (ec) {
    return fail(ec);
  }
  impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) {
    return fail(ec);
  }
  impl->acceptor.bind(endpoint, ec);
  if (ec) {
    return fail(ec);
  }
  impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(ec);
  }
  impl->port = impl->acceptor.local_endpoint(ec).port();
  if (ec) {
    return fail(ec);
  }
  const std::string shown = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  impl->url = "http://" + shown + ":" + std::to_string(impl->port);
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(impl)));
}

uint16_t HttpListener::port() const { return impl_->port; }

std::string HttpListener::url() const { return impl_->url; }

void HttpListener::StopOnSignals() {
  // On the acceptor's strand, like BeginStop's cancel, so the two never race.
  net::dispatch(impl_->acceptor.get_executor(), [this] {
    if (impl_->signals || impl_->stop_requested.load()) {
      return;
    }
    impl_->signals.emplace(impl_->ioc, SIGINT, SIGTERM);
    impl_->signals->async_wait([this](error_code ec, int /*signal*/) {
      if (!ec) {
        Stop();
      }
    });
  });
}

void HttpListener::Start(int threads) {
  std::lock_guard lock(impl_->threads_mutex);
  if (impl_->started || impl_->stop_requested.load()) {
    return;
  }
  impl_->started = true;
  net::dispatch(impl_->acceptor.get_executor(), [impl = impl_.get()] { impl->DoAccept(); });
  const int count = threads < 1 ? 1 : threads;
  for (int i = 0; i < count; ++i) {
    impl_->threads.emplace_back([impl = impl_.get()] { impl->ioc.run(); });
  }
}

void HttpListener::Stop() {
  if (impl_->stop_requested.exchange(true)) {
    return;
  }
  impl_->shared->stopping.store(true);
  net::post(impl_->ioc, [impl = impl_.get()] { impl->BeginStop(); });
  bool running = false;
  {
    std::lock_guard lock(impl_->threads_mutex);
    running = impl_->started;
  }
  if (!running) {
    impl_->ioc.stop();  // never started: nothing to drain
  }
}

void HttpListener::Wait() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->threads_mutex);
    threads.swap(impl_->threads);
  }
  for (std::thread& thread : threads) {
    if (thread.joinable()) {
      thread.join();
    }
  }
}

}  // namespace docket::web
