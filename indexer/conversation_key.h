/** @file
 *  @brief The identity of an IM session across sources (ediscovery.md §2.3 step 4).
 *
 *  The same session reaches us as an Export-CsArchivingData .eml and as rows of an LcsLog dump;
 *  both must become one conversation. The key is the session key (start to the millisecond,
 *  SessionIdSeq, p2p or conference) plus each spoken line's (second, sender, normalised text):
 *  the export keeps seconds only, the two sources render bodies differently (HTML vs RTF), and
 *  event lines exist only in exports, so events are left out and text is compared as the
 *  analyzer's terms, not as bytes.
 */
#pragma once

#include <string>
#include <vector>

#include "common/time_util.h"
#include "storage/item.h"

namespace docket {

class TextAnalyzer;

/// Hex SHA-256 key, or "" when the session cannot be identified (no start time).
std::string ConversationKey(bool conference, UtcMillis start, int sequence,
                            const std::vector<ConversationMessage>& messages,
                            TextAnalyzer& analyzer);

}  // namespace docket
