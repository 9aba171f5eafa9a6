/** @file
 *  @brief RegisterRoutes(): the one list of every HTTP endpoint Docket serves.
 */
#pragma once

#include "web/router.h"
#include "web/sharepoint_api.h"

namespace docket::web {

/// What the handlers need from the rest of Docket, passed in explicitly (no singletons).
struct RouteDependencies {
  SearchFunction search;
  SuggestFunction suggest;  // empty: suggestions are always empty lists
};

void RegisterRoutes(Router& router, const RouteDependencies& deps);

}  // namespace docket::web
