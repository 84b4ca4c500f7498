#pragma once

#include <QLatin1StringView>
#include <QString>
#include <QStringView>
#include <cstddef>
#include <optional>
#include <utility>

// An enum's names on the wire (the API, the database, the config file): one table per enum that both
// directions read, instead of a switch one way and a chain of comparisons the other.
template<class Enum> using WireName = std::pair<Enum, QLatin1StringView>;

namespace WireNames {

// The name of `value`; empty when the table has none.
template<class Enum, std::size_t N> QString name(const WireName<Enum> (&table)[N], Enum value)
{
    for (const auto &[entry, text] : table) {
        if (entry == value)
            return QString(text);
    }
    return {};
}

// The value named `text` exactly; nullopt for a name the table does not have.
template<class Enum, std::size_t N>
std::optional<Enum> value(const WireName<Enum> (&table)[N], QStringView text)
{
    for (const auto &[entry, name] : table) {
        if (name == text)
            return entry;
    }
    return std::nullopt;
}

} // namespace WireNames
