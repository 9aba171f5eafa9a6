/** @file
 *  @brief Names of item kinds and index states, as users type and read them.
 */
#include "storage/item.h"

#include <algorithm>

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
