/** @file
 *  @brief The HTTP session, modelled on Beast 1.74 example/http/server/async: one strand per
 *         connection, a fresh request_parser per request (so limits apply to each), one response
 *         at a time (no pipelining queue: we read the next request only after writing).
 *
 *  Nothing a client sends may crash the process: parse errors become 400/413/431 and a close,
 *  socket errors just end the session, and an exception escaping a handler becomes a 500.
 *
 *  A response with a body_file (an export package) is streamed with http::file_body, piece by
 *  piece, the timeout restarting for each piece: a multi-gigabyte download may take longer than
 *  the timeout as a whole, but a client that stops reading is still cut off.
 */
#include "web/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/file_body.hpp>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "web/http_status.h"

namespace docket::web {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

using BeastRequest = http::request<http::string_body>;
using BeastResponse = http::response<http::string_body>;
using FileResponse = http::response<http::file_body>;

// Fields every response carries, whatever its body type.
template <class Body>
void SetFields(http::response<Body>& out, const HttpResponse& response, bool keep_alive) {
  out.set(http::field::server, "Docket");
  // 204 carries neither a body nor a type (RFC 9110 §15.3.5).
  if (response.status != 204) {
    out.set(http::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    out.set(beast::string_view(name.data(), name.size()), value);
  }
  out.keep_alive(keep_alive);
}

// A file response and the serializer writing it; the serializer refers to the message, so both
// live in one heap object that stays put until the last piece is written.
struct FileReply {
  FileResponse message;
  std::optional<http::response_serializer<http::file_body>> serializer;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, std::shared_ptr<SessionShared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {}

  void Run() {
    // We need to be executing within the strand to perform async operations on the I/O
    // objects in this session (the socket's executor is the strand).
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&HttpSession::DoRead, shared_from_this()));
  }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(shared_->limits.body_limit);
    parser_->header_limit(shared_->limits.header_limit);
    stream_.expires_after(shared_->limits.timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::end_of_stream) {
      return DoClose();  // the client closed cleanly between requests
    }
    if (ec) {
      if (ec.category() != http::make_error_code(http::error::end_of_stream).category()) {
        return;  // timeout, reset, aborted: the connection is gone, nothing to answer
      }
      // A protocol error: answer once, then close (the parser cannot resynchronise).
      int status = 400;
      if (ec == http::error::body_limit) {
        status = 413;
      } else if (ec == http::error::header_limit) {
        status = 431;
      }
      shared_->in_flight.fetch_add(1);
      return Send(ToBeast(PlainErrorResponse(status, "malformed request: " + ec.message()),
                          /*version=*/11, /*keep_alive=*/false));
    }
    shared_->in_flight.fetch_add(1);
    BeastRequest request = parser_->release();
    const bool keep_alive = request.keep_alive() && !shared_->stopping.load();
    const unsigned version = request.version();
    HttpResponse response = Handle(std::move(request));
    if (!response.body_file.empty()) {
      return SendFile(response, version, keep_alive);
    }
    Send(ToBeast(response, version, keep_alive));
  }

  HttpResponse Handle(BeastRequest&& beast_request) {
    HttpRequest request;
    request.request_id = shared_->next_request_id.fetch_add(1) + 1;
    request.method = std::string(beast_request.method_string());
    const beast::string_view target = beast_request.target();
    if (Status status = request.SetTarget(std::string_view(target.data(), target.size()));
        !status.ok()) {
      return PlainErrorResponse(400, status.message());
    }
    for (const auto& field : beast_request) {
      request.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(beast_request.body());
    try {
      return shared_->handler(request);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "docket serve: request %llu %s %s: unhandled exception: %s\n",
                   static_cast<unsigned long long>(request.request_id), request.method.c_str(),
                   request.target.c_str(), e.what());
    } catch (...) {
      std::fprintf(stderr, "docket serve: request %llu %s %s: unhandled non-standard exception\n",
                   static_cast<unsigned long long>(request.request_id), request.method.c_str(),
                   request.target.c_str());
    }
    return PlainErrorResponse(
        500, "internal error (request " + std::to_string(request.request_id) + ")");
  }

  static BeastResponse ToBeast(const HttpResponse& response, unsigned version, bool keep_alive) {
    BeastResponse out{static_cast<http::status>(response.status), version};
    SetFields(out, response, keep_alive);
    if (response.status == 204) {
      return out;  // no Content-Length either: a 204 has no body to measure
    }
    out.body() = response.body;
    out.prepare_payload();
    return out;
  }

  void SendFile(const HttpResponse& response, unsigned version, bool keep_alive) {
    http::file_body::value_type file;
    beast::error_code ec;
    file.open(response.body_file.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      // The handler saw the file, so it went away in between (a DELETE of the export) or the
      // disk refused it; only the second is the server's fault.
      const bool gone = ec == beast::errc::no_such_file_or_directory;
      if (!gone) {
        std::fprintf(stderr, "docket serve: cannot open %s: %s\n", response.body_file.c_str(),
                     ec.message().c_str());
      }
      return Send(ToBeast(
          PlainErrorResponse(gone ? 404 : 500, gone ? "the file is no longer there"
                                                    : "cannot read the file: " + ec.message()),
          version, keep_alive));
    }
    file_reply_ = std::make_unique<FileReply>();
    FileResponse& out = file_reply_->message;
    out.result(static_cast<http::status>(response.status));
    out.version(version);
    SetFields(out, response, keep_alive);
    out.body() = std::move(file);
    out.prepare_payload();  // Content-Length = the file's size
    file_reply_->serializer.emplace(out);
    WriteFilePiece();
  }

  void WriteFilePiece() {
    stream_.expires_after(shared_->limits.timeout);
    http::async_write_some(
        stream_, *file_reply_->serializer,
        beast::bind_front_handler(&HttpSession::OnFilePiece, shared_from_this()));
  }

  void OnFilePiece(beast::error_code ec, std::size_t /*bytes*/) {
    if (!ec && !file_reply_->serializer->is_done()) {
      return WriteFilePiece();
    }
    const bool close = file_reply_->message.need_eof();
    file_reply_.reset();
    OnWrite(close, ec, 0);
  }

  void Send(BeastResponse&& message) {
    // The response must outlive async_write, so the session owns it until OnWrite.
    response_ = std::make_shared<BeastResponse>(std::move(message));
    stream_.expires_after(shared_->limits.timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this(),
                                                response_->need_eof()));
  }

  void OnWrite(bool close, beast::error_code ec, std::size_t /*bytes*/) {
    shared_->in_flight.fetch_sub(1);
    response_.reset();
    if (ec) {
      return;  // the peer went away
    }
    if (close || shared_->stopping.load()) {
      return DoClose();
    }
    DoRead();
  }

  void DoClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    // Ignored on purpose: the peer may already have closed; there is nobody left to tell.
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<SessionShared> shared_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<BeastResponse> response_;
  std::unique_ptr<FileReply> file_reply_;
};

}  // namespace

void StartHttpSession(tcp::socket socket, std::shared_ptr<SessionShared> shared) {
  std::make_shared<HttpSession>(std::move(socket), std::move(shared))->Run();
}

}  // namespace docket::web
