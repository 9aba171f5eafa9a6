/** @file
 *  @brief Writing a whole buffer to a file descriptor: the loop every raw write() needs.
 */
#pragma once

#include <string_view>

namespace docket {

/// Writes all of `bytes` to `fd`, resuming after short writes and EINTR. 0 when everything was
/// written, else the errno that stopped it (ENOSPC when the file took nothing).
int WriteAll(int fd, std::string_view bytes);

}  // namespace docket
