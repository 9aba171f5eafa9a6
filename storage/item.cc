/** @file
 *  @brief Names of item kinds and index states, as users type and read them.
 */
#include "storage/item.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace docket {

std::string_view ItemKindName(ItemKind kind) {
  switch (kind) {
    case ItemKind::kContainer:
      return "container";
    case ItemKind::kImConversation:
      return "im";
    case ItemKind::kMeeting:
      return "meetings";
    case ItemKind::kImMessage:
      return "message";
    case ItemKind::kEmail:
      return "email";
    case ItemKind::kAttachment:
      return "attachment";
    case ItemKind::kFile:
      return "file";
  }
  return "file";
}

std::optional<ItemKind> ParseItemKind(std::string_view name) {
  for (ItemKind kind :
       {ItemKind::kContainer, ItemKind::kImConversation, ItemKind::kMeeting, ItemKind::kImMessage,
        ItemKind::kEmail, ItemKind::kAttachment, ItemKind::kFile}) {
    if (name == ItemKindName(kind)) {
      return kind;
    }
  }
  if (name == "meeting") {
    return ItemKind::kMeeting;
  }
  if (name == "messages") {
    return ItemKind::kImMessage;
  }
  return std::nullopt;
}

std::string_view IndexStateName(IndexState state) {
  switch (state) {
    case IndexState::kIndexed:
      return "indexed";
    case IndexState::kPartiallyIndexed:
      return "partially-indexed";
    case IndexState::kUnindexed:
      return "unindexed";
  }
  return "unindexed";
}

std::string_view ImportanceName(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  if (!value.empty() && value.front() >= '1' && value.front() <= '5') {
    // X-Priority: "1 (Highest)" ... "5 (Lowest)".
    const char digit = value.front();
    return digit <= '2' ? "high" : digit == '3' ? "medium" : "low";
  }
  std::string lower;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '(') {
      break;
    }
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (lower == "high" || lower == "urgent" || lower == "highest") {
    return "high";
  }
  if (lower == "normal" || lower == "medium") {
    return "medium";
  }
  if (lower == "low" || lower == "non-urgent" || lower == "lowest") {
    return "low";
  }
  return {};
}

bool Item::AddCustodian(const std::string& name) {
  if (custodians.empty() && !custodian.empty()) {
    custodians.push_back(custodian);
  }
  if (std::find(custodians.begin(), custodians.end(), name) != custodians.end()) {
    return false;
  }
  custodians.push_back(name);
  if (custodian.empty()) {
    custodian = name;
  }
  return true;
}

}  // namespace docket
