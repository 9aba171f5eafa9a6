/** @file
 *  @brief Fuzz target: bytes under a declared charset (the first byte picks the label).
 */
#include <cstdint>
#include <string>

#include "indexer/charset_converter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr const char* kLabels[] = {"",          "utf-8",        "iso-8859-1", "gb2312",
                                            "shift_jis", "windows-1251", "utf-16le",   "x-bogus"};
  if (size == 0) {
    return 0;
  }
  const char* label = kLabels[data[0] % (sizeof kLabels / sizeof kLabels[0])];
  docket::ConvertToUtf8(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), label)
      .status()
      .IgnoreError();
  return 0;
}
