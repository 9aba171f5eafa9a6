/** @file
 *  @brief Fuzz target: bytes as the HTML transcript of a session, and as HTML to plain text.
 */
#include <cstdint>
#include <string>

#include "indexer/html_text.h"
#include "indexer/lync_session_parser.h"
#include "indexer/mime_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string html(reinterpret_cast<const char*>(data), size);
  docket::HtmlToText(html);
  docket::MimeMessage message;
  message.from = "alice@contoso.com";
  message.to = {"bob@contoso.com"};
  message.session_id = "fuzz";
  message.html_body = html;
  docket::ParseLyncSession(message, "20130603091502877_1_conf.eml").status().IgnoreError();
  return 0;
}
