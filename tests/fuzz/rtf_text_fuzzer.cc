/** @file
 *  @brief Fuzz target: bytes as an RTF document (LcsLog bodies, loose .rtf files). Inputs that
 *         lack the signature are also tried with it prepended, so mutations reach the reader.
 */
#include <cstdint>
#include <string>

#include "indexer/rtf_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  docket::ExtractRtfText(bytes).status().IgnoreError();
  if (!docket::LooksLikeRtf(bytes)) {
    docket::ExtractRtfText("{\\rtf1" + bytes).status().IgnoreError();
  }
  return 0;
}
