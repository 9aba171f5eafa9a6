/** @file
 *  @brief The property table: KQL names -> storage/index_schema.h prefixes and slots.
 */
#include "query/property_map.h"

#include <cctype>

#include "common/strings.h"
#include "storage/index_schema.h"

namespace docket {

const PropertyMap& PropertyMap::Default() {
  static const PropertyMap* const kMap = [] {
    auto* map = new PropertyMap();
    const PropertyInfo from{"from", PropertyKind::kAddress, schema::kPrefixFrom, 0};
    const PropertyInfo to{"to", PropertyKind::kAddress, schema::kPrefixTo, 0};
    const PropertyInfo participants{"participants", PropertyKind::kAddress,
                                    schema::kPrefixParticipant, 0};
    const PropertyInfo subject{"subject", PropertyKind::kText, schema::kPrefixSubject, 0};
    const PropertyInfo kind{"kind", PropertyKind::kKeyword, schema::kPrefixKind, 0};
    const PropertyInfo custodian{"custodian", PropertyKind::kKeyword, schema::kPrefixCustodian, 0};
    const PropertyInfo language{"detectedlanguage", PropertyKind::kKeyword, schema::kPrefixLanguage,
                                0};
    const PropertyInfo cc{"cc", PropertyKind::kAddress, schema::kPrefixCc, 0};
    const PropertyInfo bcc{"bcc", PropertyKind::kAddress, schema::kPrefixBcc, 0};
    const PropertyInfo recipients{"recipients", PropertyKind::kAddress, schema::kPrefixRecipient,
                                  0};
    const PropertyInfo author{"author", PropertyKind::kAddress, schema::kPrefixAuthor, 0};
    const PropertyInfo attachments{"attachmentnames", PropertyKind::kFileName,
                                   schema::kPrefixAttachmentName, 0};
    const PropertyInfo file_name{"filename", PropertyKind::kFileName, schema::kPrefixFileName, 0};
    const PropertyInfo extension{"fileextension", PropertyKind::kKeyword,
                                 schema::kPrefixFileExtension, 0};
    const PropertyInfo importance{"importance", PropertyKind::kKeyword, schema::kPrefixImportance,
                                  0};
    const PropertyInfo item_class{"itemclass", PropertyKind::kKeyword, schema::kPrefixItemClass, 0};
    const PropertyInfo has_attachment{"hasattachment", PropertyKind::kYesNo,
                                      schema::kPrefixHasAttachment, 0};
    const PropertyInfo received{"received", PropertyKind::kDate, {}, schema::kSlotReceived};
    const PropertyInfo sent{"sent", PropertyKind::kDate, {}, schema::kSlotSent};
    const PropertyInfo size{"size", PropertyKind::kNumber, {}, schema::kSlotSize};
    const PropertyInfo write{"write", PropertyKind::kDate, {}, schema::kSlotLastActivity};
    map->entries_ = {
        {"from", from},
        {"to", to},
        {"cc", cc},
        {"bcc", bcc},
        {"recipients", recipients},  // To ∪ Cc ∪ Bcc (§2.10)
        {"participants", participants},
        {"author", author},
        {"subject", subject},
        {"title", subject},
        {"attachmentnames", attachments},
        {"attachment", attachments},  // the Exchange 2016 documentation's name
        {"filename", file_name},
        {"fileextension", extension},
        {"kind", kind},
        {"custodian", custodian},
        {"detectedlanguage", language},
        {"importance", importance},
        {"itemclass", item_class},
        {"hasattachment", has_attachment},
        {"sent", sent},
        {"received", received},
        {"size", size},
        {"write", write},
        {"lastmodifiedtime", write},
    };
    return map;
  }();
  return *kMap;
}

std::optional<PropertyInfo> PropertyMap::Find(std::string_view name) const {
  for (const Entry& entry : entries_) {
    if (EqualsIgnoreCase(entry.alias, name)) {
      return entry.info;
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> PropertyMap::SortSlot(std::string_view name) const {
  std::optional<PropertyInfo> info = Find(name);
  if (!info || (info->kind != PropertyKind::kDate && info->kind != PropertyKind::kNumber)) {
    return std::nullopt;
  }
  return info->slot;
}

}  // namespace docket
