/** @file
 *  @brief The heap's page size, per subcommand: transparent huge pages for `docket export`
 *  only. See allocator.cc.
 */
#pragma once

namespace docket {

/// Turns transparent huge pages off for this process; call before the subcommand allocates.
void DisableHugePages();

}  // namespace docket
