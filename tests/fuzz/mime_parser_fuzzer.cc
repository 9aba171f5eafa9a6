/** @file
 *  @brief Fuzz target: bytes as an RFC 5322 message; Lync sessions go on to the transcript parser.
 */
#include <cstdint>
#include <string>

#include "indexer/lync_session_parser.h"
#include "indexer/mime_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto message = docket::ParseMime(std::string_view(reinterpret_cast<const char*>(data), size));
  if (message.ok() && docket::IsLyncSession(*message, "20130603091502877_1_p2p.eml")) {
    docket::ParseLyncSession(*message, "20130603091502877_1_p2p.eml").status().IgnoreError();
  }
  return 0;
}
