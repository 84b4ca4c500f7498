#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

// The command line of `llm-gateway`, parsed: which command, and its options.
struct CommandLine
{
    enum class Command { Window, Serve, KeysCreate, MembersAdd, Export, Help, Version };
    Command command = Command::Window;
    QHash<QString, QString> options; // option name without dashes -> value

    QString option(const QString &name) const { return options.value(name); }
    bool has(const QString &name) const { return options.contains(name); }

    // nullopt and *error (one line for stderr) on bad arguments.
    static std::optional<CommandLine> parse(const QStringList &arguments, QString *error);
    static QString helpText();
};
