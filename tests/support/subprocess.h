/** @file
 *  @brief Runs the real `docket` binary and talks HTTP to it, for end-to-end tests.
 */
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace docket::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
};

/// Runs argv[0] with arguments and waits for it; output is captured.
CommandResult RunCommand(const std::vector<std::string>& argv);

/// A child process whose standard output is read line by line (e.g. a server announcing its
/// URL); killed with SIGTERM and reaped when destroyed.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Next line of standard output, waiting up to `timeout_ms`; empty when none came.
  std::string ReadLine(int timeout_ms);
  /// Sends SIGTERM and returns the exit status (as from waitpid's WEXITSTATUS, or 128+signal).
  int Stop();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

/// One HTTP/1.1 request to 127.0.0.1:port with Connection: close. status 0 = no answer.
HttpReply HttpRequest(int port, const std::string& method, const std::string& target,
                      const std::map<std::string, std::string>& headers = {},
                      const std::string& body = {});

/// Sends raw bytes and returns whatever comes back before the server closes (hostile input).
std::string SendRaw(int port, const std::string& bytes);

/// Percent-encodes a query component (RFC 3986 unreserved characters stay).
std::string UrlEncode(const std::string& text);

}  // namespace docket::testing
