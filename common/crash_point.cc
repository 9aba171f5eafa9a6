/** @file
 *  @brief CrashPoint; see crash_point.h.
 */
#include "common/crash_point.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <string>

namespace docket {
namespace {

struct Armed {
  std::string name;
  std::atomic<long> remaining{0};
};

// Parsed once; nullptr when DOCKET_CRASH_POINT is unset or malformed.
Armed* ArmedPoint() {
  static Armed* armed = []() -> Armed* {
    const char* spec = std::getenv("DOCKET_CRASH_POINT");
    if (spec == nullptr) {
      return nullptr;
    }
    const std::string text(spec);
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return nullptr;
    }
    auto* point = new Armed;  // lives for the process
    point->name = text.substr(0, colon);
    point->remaining = std::strtol(text.c_str() + colon + 1, nullptr, 10);
    return point;
  }();
  return armed;
}

}  // namespace

void CrashPoint(std::string_view name) {
  Armed* armed = ArmedPoint();
  if (armed == nullptr || armed->name != name) {
    return;
  }
  if (armed->remaining.fetch_sub(1) == 1) {
    std::raise(SIGKILL);
  }
}

}  // namespace docket
