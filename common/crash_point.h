/** @file
 *  @brief CrashPoint: a named place where a test can make the process die by SIGKILL.
 *
 *  Crash safety is proven by killing `docket ingest` at exact points (mid-archive, between the
 *  store write and the index commit, between two shard commits) and checking that a re-run
 *  gives the same index. The environment variable DOCKET_CRASH_POINT=NAME:N kills the process
 *  with SIGKILL the N-th time CrashPoint(NAME) is reached. Unset (always, outside tests), a call
 *  costs one relaxed atomic load.
 */
#pragma once

#include <string_view>

namespace docket {

void CrashPoint(std::string_view name);

}  // namespace docket
