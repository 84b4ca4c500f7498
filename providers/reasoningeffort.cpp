#include "reasoningeffort.h"

using namespace Qt::StringLiterals;

namespace ReasoningEffort {
namespace {

struct Budgets
{
    qint64 low;
    qint64 medium;
    qint64 high;
};

Budgets budgets(Family family)
{
    switch (family) {
    case Family::Anthropic:
        return { 1024, 4096, 16384 };
    case Family::Gemini:
        break;
    }
    return { 1024, 8192, 24576 };
}

// a ≤ √(b·c), without the square root: the boundary between two levels is the geometric mean of their
// budgets.
bool atMostGeometricMean(qint64 a, qint64 b, qint64 c)
{
    return double(a) * double(a) <= double(b) * double(c);
}

} // namespace

std::optional<qint64> thinkingBudget(Family family, QStringView effort)
{
    const Budgets levels = budgets(family);
    if (effort == u"none")
        return 0;
    if (effort == u"minimal" || effort == u"low")
        return levels.low;
    if (effort == u"medium")
        return levels.medium;
    if (effort == u"high")
        return levels.high;
    return std::nullopt;
}

QString effortFor(Family family, qint64 budget)
{
    const Budgets levels = budgets(family);
    if (budget <= 0)
        return {};
    if (atMostGeometricMean(budget, levels.low, levels.medium))
        return u"low"_s;
    if (atMostGeometricMean(budget, levels.medium, levels.high))
        return u"medium"_s;
    return u"high"_s;
}

QString levelNames()
{
    return u"none, minimal, low, medium, high"_s;
}

} // namespace ReasoningEffort
