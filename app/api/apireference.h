#pragma once

#include "apiroutes.h"

// docs/api-reference.md, rendered from the route table so that it cannot drift from the router or from
// Permissions: who may make each call is asked of the route's gate for each role. The ctest
// check_api_reference compares the checked-in file with this; scripts/api-reference.sh --fix rewrites it.
namespace ApiReference {
// "anyone, without a token", "every member", or the roles the route's gate allows ("owner, admin").
QString whoMayCall(const ApiRoute &route);
QString markdown(const std::vector<ApiRoute> &routes);
} // namespace ApiReference
