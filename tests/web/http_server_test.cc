/** @file
 *  @brief The server through a real socket on 127.0.0.1: status codes, headers, JSON, hostile
 *         input, stop. A tiny blocking POSIX client keeps Beast out of this TU.
 */
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "storage/commit_coordinator.h"
#include "tests/support/test_env.h"
#include "tests/web/fake_search.h"
#include "web/http_types.h"
#include "web/server.h"

namespace docket::web {
namespace {

using docket::ParseListenAddress;
using docket::Server;
using docket::ServerOptions;
using nlohmann::json;

// ---- a minimal HTTP/1.1 client -----------------------------------------------------------------

int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return -1;
  }
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `bytes`, half-closes, then reads until the server closes (or 10 s pass). Send errors
// are ignored:
// the server may close early on hostile input, which is what some tests check.
std::string Exchange(uint16_t port, const std::string& bytes) {
  const int fd = Connect(port);
  if (fd < 0) {
    return "<connect failed>";
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      break;
    }
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);  // we have nothing more to say; a half request ends here
  std::string out;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      break;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Parses every response in `raw` (pipelined responses arrive back to back).
std::vector<Response> ParseResponses(std::string_view raw) {
  std::vector<Response> responses;
  while (!raw.empty()) {
    const size_t head_end = raw.find("\r\n\r\n");
    if (head_end == std::string_view::npos || !raw.starts_with("HTTP/1.")) {
      break;
    }
    Response response;
    std::string_view head = raw.substr(0, head_end);
    response.status = std::stoi(std::string(head.substr(9, 3)));
    size_t line_start = head.find("\r\n");
    while (line_start != std::string_view::npos) {
      line_start += 2;
      const size_t line_end = head.find("\r\n", line_start);
      const std::string_view line = head.substr(line_start, line_end - line_start);
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') {
          value.remove_prefix(1);
        }
        response.headers[AsciiLower(line.substr(0, colon))] = std::string(value);
      }
      line_start = line_end;
    }
    const size_t length = std::stoul(response.headers["content-length"]);
    response.body = std::string(raw.substr(head_end + 4, length));
    raw.remove_prefix(std::min(raw.size(), head_end + 4 + length));
    responses.push_back(std::move(response));
  }
  return responses;
}

Response Get(uint16_t port, const std::string& target,
             const std::string& accept = "application/json;odata=nometadata") {
  const std::string raw =
      Exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept +
                         "\r\nConnection: close\r\n\r\n");
  std::vector<Response> responses = ParseResponses(raw);
  EXPECT_EQ(1u, responses.size()) << raw;
  return responses.empty() ? Response{} : responses[0];
}

// ---- with a fake searcher: the HTTP layer alone -----------------------------------------------

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    SearchFunction fake = testing::FakeSearch();
    auto server = Server::Start(options, [fake](const SearchRequest& request) {
      if (request.query_text == "throw") {
        throw std::runtime_error("handler bug");
      }
      return fake(request);
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    port_ = server_->port();
  }

  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(HttpServerTest, ReportsTheBoundUrl) {
  EXPECT_NE(0, port_);
  EXPECT_EQ("http://127.0.0.1:" + std::to_string(port_), server_->url());
}

TEST_F(HttpServerTest, SearchQueryNoMetadata) {
  Response response = Get(port_, "/sites/x/_api/search/query?querytext=%27budget%27&rowlimit=2");
  ASSERT_EQ(200, response.status) << response.body;
  EXPECT_EQ("application/json;odata=nometadata;streaming=true;charset=utf-8",
            response.headers["content-type"]);
  EXPECT_EQ("3.0", response.headers["dataserviceversion"]);
  const json body = json::parse(response.body);
  const json& relevant = body["PrimaryQueryResult"]["RelevantResults"];
  EXPECT_EQ(2, relevant["RowCount"]);
  EXPECT_EQ(3, relevant["TotalRows"]);
  EXPECT_EQ("101", relevant["Table"]["Rows"][0]["Cells"][1]["Value"]);
  EXPECT_EQ("102", relevant["Table"]["Rows"][1]["Cells"][1]["Value"]);
}

TEST_F(HttpServerTest, VerboseAndFunctionForm) {
  Response response = Get(port_, "/_api/search/query(querytext=%27budget%27,startrow=2)",
                          "application/json;odata=verbose");
  ASSERT_EQ(200, response.status) << response.body;
  EXPECT_EQ("application/json;odata=verbose;charset=utf-8", response.headers["content-type"]);
  const json rows = json::parse(response.body)["d"]["query"]["PrimaryQueryResult"]
                                              ["RelevantResults"]["Table"]["Rows"]["results"];
  ASSERT_EQ(1u, rows.size());
  EXPECT_EQ("103", rows[0]["Cells"]["results"][1]["Value"]);
}

TEST_F(HttpServerTest, MalformedQueryIs400ODataError) {
  Response response = Get(port_, "/_api/search/query?querytext=%27bad(%27");
  ASSERT_EQ(400, response.status);
  EXPECT_EQ(
      json::parse(
          R"({"odata.error":{"code":"-1, Microsoft.Office.Server.Search.REST.SearchServiceException","message":{"lang":"en-US","value":"syntax error at offset 4: unbalanced '('"}}})"),
      json::parse(response.body));
}

TEST_F(HttpServerTest, PostToQueryIs405) {
  const std::vector<Response> responses = ParseResponses(Exchange(
      port_,
      "POST /_api/search/query HTTP/1.1\r\nHost: x\r\nAccept: application/json;odata=nometadata\r\n"
      "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"));
  ASSERT_EQ(1u, responses.size());
  EXPECT_EQ(405, responses[0].status);
  EXPECT_EQ("GET", responses[0].headers.at("allow"));
  EXPECT_TRUE(json::parse(responses[0].body).contains("odata.error"));
}

TEST_F(HttpServerTest, SearchPage) {
  Response response = Get(port_, "/", "text/html");
  ASSERT_EQ(200, response.status);
  EXPECT_EQ("text/html; charset=utf-8", response.headers["content-type"]);
  EXPECT_NE(std::string::npos, response.body.find("<form"));
}

TEST_F(HttpServerTest, HandlerExceptionIs500AndServerLives) {
  Response response = Get(port_, "/_api/search/query?querytext=throw");
  EXPECT_EQ(500, response.status);
  EXPECT_NE(std::string::npos, response.body.find("internal error")) << response.body;
  EXPECT_EQ(200, Get(port_, "/").status);
}

TEST_F(HttpServerTest, KeepAliveAndPipelining) {
  const std::string one = "GET /_api/search/query?querytext=a HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string two =
      "GET /_api/search/query?querytext=%27bad(%27 HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n";
  const std::vector<Response> responses = ParseResponses(Exchange(port_, one + two));
  ASSERT_EQ(2u, responses.size());
  EXPECT_EQ(200, responses[0].status);
  EXPECT_EQ(400, responses[1].status);
}

TEST_F(HttpServerTest, HostileRequestsDoNotKillTheServer) {
  // Garbage instead of a request line.
  std::string garbage(3000, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) {
    garbage[i] = static_cast<char>((i * 7919 + 13) & 0xFF);
  }
  std::vector<Response> responses = ParseResponses(Exchange(port_, garbage + "\r\n\r\n"));
  if (!responses.empty()) {
    EXPECT_EQ(400, responses[0].status);
  }
  // A header block past the 16 KiB limit.
  responses = ParseResponses(Exchange(
      port_, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n"));
  if (!responses.empty()) {
    EXPECT_EQ(431, responses[0].status);
  }
  // A body past the 1 MiB limit, announced up front.
  responses = ParseResponses(Exchange(
      port_, "POST /_api/search/query HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nxx"));
  ASSERT_EQ(1u, responses.size());
  EXPECT_EQ(413, responses[0].status);
  // Targets that do not start with '/'.
  responses = ParseResponses(
      Exchange(port_, "GET http://evil.example/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  ASSERT_EQ(1u, responses.size());
  EXPECT_EQ(400, responses[0].status);
  responses =
      ParseResponses(Exchange(port_, "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  ASSERT_EQ(1u, responses.size());
  EXPECT_EQ(400, responses[0].status);
  // Bad chunked encoding, a half request then a hang-up, a bare connect-and-close.
  Exchange(port_, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nboom\r\n");
  Exchange(port_, "GET /_api/search/que");
  ::close(Connect(port_));
  // Percent-escapes that decode to NUL and invalid UTF-8 reach the handler and come back as JSON.
  Response odd = Get(port_, "/_api/search/query?querytext=%27%00%FF%FE%27");
  EXPECT_EQ(200, odd.status);
  EXPECT_NO_THROW(json::parse(odd.body));

  // Still serving.
  EXPECT_EQ(200, Get(port_, "/_api/search/query?querytext=%27budget%27").status);
}

TEST_F(HttpServerTest, StopClosesThePort) {
  EXPECT_EQ(200, Get(port_, "/").status);
  server_->Stop();
  server_->Wait();
  EXPECT_EQ(-1, Connect(port_));
}

TEST(HttpServerBindTest, AddressInUseIsAClearError) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  auto first = Server::Start(options, testing::FakeSearch());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  options.listen = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = Server::Start(options, testing::FakeSearch());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(StatusCode::kIOError, second.error().code());
  EXPECT_EQ("cannot listen on 127.0.0.1:" + std::to_string((*first)->port()) + ": address in use",
            second.error().message());
}

TEST(HttpServerBindTest, ListenAddresses) {
  using Parsed = std::pair<std::string, uint16_t>;
  EXPECT_EQ(Parsed("127.0.0.1", 8080), *ParseListenAddress("127.0.0.1:8080"));
  EXPECT_EQ(Parsed("::1", 0), *ParseListenAddress("[::1]:0"));
  EXPECT_EQ(Parsed("localhost", 80), *ParseListenAddress("localhost:80"));
  for (const char* bad : {"", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", ":80", "::1:80",
                          "127.0.0.1:8o"}) {
    EXPECT_FALSE(ParseListenAddress(bad).ok()) << bad;
  }
  ServerOptions options;
  options.listen = "not-an-ip:0";
  auto server = Server::Start(options, testing::FakeSearch());
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, server.error().code());
}

// ---- with a real index: storage → query → web ---------------------------------------------------

Item Conversation(ItemId id, std::string title, std::string text, UtcMillis sent) {
  Item item;
  item.id = id;
  item.kind = ItemKind::kImConversation;
  item.title = std::move(title);
  item.from = "alice@contoso.com";
  item.to = {"bob@contoso.com"};
  item.participants = {"alice@contoso.com", "bob@contoso.com"};
  item.text = std::move(text);
  item.file_name = std::to_string(id) + "_p2p.eml";
  item.ipath = "export.zip!/2013/03/" + item.file_name;
  item.custodian = "alice";
  item.sent = sent;
  item.last_activity = sent + 60'000;
  item.size = 1000 + id;
  return item;
}

TEST(HttpServerIndexTest, ServesARealIndex) {
  docket::testing::TempDir dir;
  std::vector<ItemId> ids;
  {
    auto coordinator = CommitCoordinator::Open(dir.path(), {});
    ASSERT_OK(coordinator);
    DocStore& store = (*coordinator)->store();
    WriteSet set;
    const std::pair<const char*, const char*> docs[] = {
        {"Budget review", "the quarterly budget is over"},
        {"Lunch", "pizza on friday"},
        {"Budget again", "budget numbers for march"},
    };
    for (size_t i = 0; i < 3; ++i) {
      const ItemId id = store.AllocateId();
      ids.push_back(id);
      set.items.push_back(Conversation(id, docs[i].first, docs[i].second,
                                       UtcFromCivil(2013, 3, static_cast<int>(10 + i), 9)));
      set.index_ids.push_back(id);
    }
    ASSERT_OK((*coordinator)->Write(set));
    ASSERT_OK((*coordinator)->Flush());
  }

  ServerOptions options;
  options.index_dir = dir.path();
  options.listen = "127.0.0.1:0";
  auto server = Server::Start(options);
  ASSERT_OK(server);
  const uint16_t port = (*server)->port();

  Response response =
      Get(port,
          "/_api/search/query?querytext=%27budget%27&sortlist=%27Write:descending%27"
          "&selectproperties=%27DocId,Title,Path,Author,Write%27");
  ASSERT_EQ(200, response.status) << response.body;
  const json relevant = json::parse(response.body)["PrimaryQueryResult"]["RelevantResults"];
  EXPECT_EQ(2, relevant["TotalRows"]);
  ASSERT_EQ(2, relevant["RowCount"]);
  const json expected = json::parse(R"([
    {"Cells":[{"Key":"DocId","Value":")" +
                                    std::to_string(ids[2]) + R"(","ValueType":"Edm.Int64"},
              {"Key":"Title","Value":"Budget again","ValueType":"Edm.String"},
              {"Key":"Path","Value":"export.zip!/2013/03/)" +
                                    std::to_string(ids[2]) + R"(_p2p.eml","ValueType":"Edm.String"},
              {"Key":"Author","Value":"alice@contoso.com","ValueType":"Edm.String"},
              {"Key":"Write","Value":"2013-03-12T09:01:00.0000000Z","ValueType":"Edm.DateTime"}]},
    {"Cells":[{"Key":"DocId","Value":")" +
                                    std::to_string(ids[0]) + R"(","ValueType":"Edm.Int64"},
              {"Key":"Title","Value":"Budget review","ValueType":"Edm.String"},
              {"Key":"Path","Value":"export.zip!/2013/03/)" +
                                    std::to_string(ids[0]) + R"(_p2p.eml","ValueType":"Edm.String"},
              {"Key":"Author","Value":"alice@contoso.com","ValueType":"Edm.String"},
              {"Key":"Write","Value":"2013-03-10T09:01:00.0000000Z","ValueType":"Edm.DateTime"}]}
  ])");
  EXPECT_EQ(expected, relevant["Table"]["Rows"]);

  // Paging past the end: no rows, the total still right.
  response = Get(port, "/_api/search/query?querytext=%27budget%27&startrow=5");
  ASSERT_EQ(200, response.status);
  const json page = json::parse(response.body)["PrimaryQueryResult"]["RelevantResults"];
  EXPECT_EQ(0, page["RowCount"]);
  EXPECT_EQ(2, page["TotalRows"]);

  // Malformed KQL: 400 with the searcher's message in the OData error body.
  response =
      Get(port, "/_api/search/query?querytext=%27(budget%27", "application/json;odata=verbose");
  ASSERT_EQ(400, response.status) << response.body;
  const json error = json::parse(response.body);
  EXPECT_EQ("-1, Microsoft.Office.Server.Search.REST.SearchServiceException",
            error["error"]["code"]);
  EXPECT_FALSE(error["error"]["message"]["value"].get<std::string>().empty());
}

TEST(HttpServerIndexTest, MissingIndexFailsToStart) {
  docket::testing::TempDir dir;
  ServerOptions options;
  options.index_dir = dir.path() / "nope";
  options.listen = "127.0.0.1:0";
  EXPECT_FALSE(Server::Start(options).ok());
}

}  // namespace
}  // namespace docket::web
