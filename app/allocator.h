/** @file
 *  @brief The heap's settings per subcommand: `docket export` keeps transparent huge pages and
 *  every page it frees; the others give both back. See allocator.cc.
 */
#pragma once

#include <string_view>

namespace docket {

/// Sets the heap up for `command`; call before the subcommand allocates.
void ConfigureHeapFor(std::string_view command);

}  // namespace docket
