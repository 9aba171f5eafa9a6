/** @file
 *  @brief Server: Searcher + Router + HttpListener, wired together; RunServer for the CLI.
 */
#include "web/server.h"

#include <charconv>

#include "export/export_jobs.h"
#include "query/searcher.h"
#include "web/listener.h"
#include "web/router.h"
#include "web/routes.h"

namespace docket {

using web::HttpListener;
using web::HttpRequest;
using web::RegisterRoutes;
using web::RouteDependencies;
using web::Router;
using web::SearchFunction;

Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view listen) {
  const auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("bad listen address '" + std::string(listen) + "': " +
                                   std::string(why) + " (expected HOST:PORT, e.g. 127.0.0.1:8080)");
  };
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) {
    return bad("no port");
  }
  std::string_view host = listen.substr(0, colon);
  const std::string_view port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("an IPv6 address must be written in brackets, e.g. [::1]:8080");
  }
  if (host.empty()) {
    return bad("no host");
  }
  unsigned port = 0;
  const char* end = port_text.data() + port_text.size();
  const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
  if (port_text.empty() || ec != std::errc() || ptr != end || port > 65535) {
    return bad("the port must be a number from 0 to 65535");
  }
  return std::make_pair(std::string(host), static_cast<uint16_t>(port));
}

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  Result<std::unique_ptr<Searcher>> searcher = Searcher::Open(options.index_dir);
  if (!searcher.ok()) {
    return searcher.error().WithContext("opening index " + options.index_dir.string());
  }
  Searcher* raw = searcher->get();
  auto exports = std::make_unique<ExportJobs>(options.index_dir, options.exports_dir.empty()
                                                                     ? options.index_dir / "exports"
                                                                     : options.exports_dir);
  DOCKET_ASSIGN_OR_RETURN(
      std::unique_ptr<Server> server,
      StartWith(
          options,
          [raw, now = options.now](const SearchRequest& request) {
            if (now == 0) {
              return raw->Search(request);
            }
            SearchRequest fixed = request;
            fixed.now = now;
            return raw->Search(fixed);
          },
          [raw](std::string_view prefix, size_t limit) { return raw->Suggest(prefix, limit); },
          std::move(exports)));
  server->searcher_ = std::move(*searcher);
  return server;
}

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, SearchFunction search,
                                              web::SuggestFunction suggest) {
  return StartWith(options, std::move(search), std::move(suggest), nullptr);
}

Result<std::unique_ptr<Server>> Server::StartWith(const ServerOptions& options,
                                                  SearchFunction search,
                                                  web::SuggestFunction suggest,
                                                  std::unique_ptr<ExportJobs> exports) {
  DOCKET_ASSIGN_OR_RETURN(auto address, ParseListenAddress(options.listen));
  std::unique_ptr<Server> server(new Server());
  server->exports_ = std::move(exports);
  server->router_ = std::make_shared<Router>();
  RouteDependencies deps;
  deps.search = std::move(search);
  deps.suggest = std::move(suggest);
  deps.exports = server->exports_.get();
  deps.now = options.now;
  RegisterRoutes(*server->router_, deps);
  std::shared_ptr<const Router> router = server->router_;
  DOCKET_ASSIGN_OR_RETURN(
      server->listener_,
      HttpListener::Bind(address.first, address.second, [router](const HttpRequest& request) {
        return router->Dispatch(request);
      }));
  server->listener_->Start(options.threads);
  return server;
}

Server::~Server() {
  if (listener_) {
    listener_->Stop();
    listener_->Wait();
  }
  // Then the exports: a running one is cancelled (its partial package removed) and joined.
  exports_.reset();
}

uint16_t Server::port() const { return listener_->port(); }
std::string Server::url() const { return listener_->url(); }
void Server::StopOnSignals() { listener_->StopOnSignals(); }
void Server::Stop() { listener_->Stop(); }
void Server::Wait() { listener_->Wait(); }

Status RunServer(const ServerOptions& options,
                 std::function<void(const std::string& url)> on_listening) {
  DOCKET_ASSIGN_OR_RETURN(std::unique_ptr<Server> server, Server::Start(options));
  server->StopOnSignals();
  if (on_listening) {
    on_listening(server->url());
  }
  server->Wait();
  return Status::OK();
}

}  // namespace docket
