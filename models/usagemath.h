#pragma once

#include "apitypes.h"

// Arithmetic on usage totals shared by the models (internal to models/).
namespace UsageMath {

// Adds counts, tokens and cost; averages are weighted by their counts. Percentiles cannot be added (the
// histograms stay on the server): the sum has none.
UsageData::Totals sum(const UsageData::Totals &a, const UsageData::Totals &b);
// Input tokens that were not read from a cache. Cached tokens are counted within prompt tokens (OpenAI's
// convention, which the gateway records), so uncached + cached + output add up to all tokens.
qint64 uncachedInput(const UsageData::Totals &totals);
// Groups ordered by cost, largest first (ties by requests, then name): the order "top N" means.
QList<UsageData::Group> byCost(QList<UsageData::Group> groups);

} // namespace UsageMath
