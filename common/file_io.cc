/** @file
 *  @brief See file_io.h.
 */
#include "common/file_io.h"

#include <unistd.h>

#include <cerrno>

namespace docket {

int WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return errno;
    }
    if (n == 0) {
      return ENOSPC;  // write() took nothing and said nothing: retrying would spin
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

}  // namespace docket
