/** @file
 *  @brief ConversationKey; see conversation_key.h.
 */
#include "indexer/conversation_key.h"

#include "common/hashing.h"
#include "storage/text_analyzer.h"

namespace docket {

std::string ConversationKey(bool conference, UtcMillis start, int sequence,
                            const std::vector<ConversationMessage>& messages,
                            TextAnalyzer& analyzer) {
  if (start == 0) {
    return "";
  }
  Sha256Hasher hasher;
  hasher.Update(conference ? "conf\n" : "p2p\n");
  hasher.Update(std::to_string(start) + "#" + std::to_string(sequence) + "\n");
  for (const ConversationMessage& message : messages) {
    if (message.is_event) {
      continue;
    }
    // Floor division: a negative (pre-1970) time must not round towards zero.
    const UtcMillis second = message.sent >= 0 ? message.sent / 1000 : (message.sent - 999) / 1000;
    std::string line = std::to_string(second) + "\t" + message.sender + "\t";
    for (const auto& token : analyzer.Tokenize(message.text)) {
      line += token.term;
      line += ' ';
    }
    line += '\n';
    hasher.Update(line);
  }
  return hasher.FinishHex();
}

}  // namespace docket
