#include "fakeagentscript.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace FakeAgentScript {

bool applies(const QString &model)
{
    return model == u"fake-agent" || model.endsWith(u"-agent");
}

std::optional<Call> call(const QStringList &offeredTools, const QString &userText)
{
    static const QRegularExpression absolutePath(QStringLiteral("(?:^|\\s)(/[\\w.\\-/]+)"));
    QString path;
    for (auto it = absolutePath.globalMatch(userText); it.hasNext();)
        path = it.next().captured(1);
    if (path.isEmpty())
        return std::nullopt;
    const auto json = [](const QJsonObject &object) {
        return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
    };
    // A file-reading tool before any shell: agents run reads without asking, shells not always.
    for (const QString &name : offeredTools) {
        if (name == u"Read" || name == u"read_file")
            return Call { name, json({ { QStringLiteral("file_path"), path } }) };
    }
    const QString cat = QStringLiteral("cat ") + path;
    for (const QString &name : offeredTools) {
        if (name == u"exec_command")
            return Call { name, json({ { QStringLiteral("cmd"), cat } }) };
        if (name == u"Bash" || name == u"shell_command" || name == u"run_shell_command")
            return Call { name, json({ { QStringLiteral("command"), cat } }) };
        if (name == u"shell")
            return Call { name,
                json({ { QStringLiteral("command"), QJsonArray { QStringLiteral("cat"), path } } }) };
    }
    return std::nullopt;
}

QString resultText(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    if (content.isArray()) {
        QStringList texts;
        for (const QJsonValue &block : content.toArray())
            texts.append(block.isObject() && block[u"text"].isString() ? block[u"text"].toString()
                                                                       : resultText(block));
        return texts.join(u' ');
    }
    if (content.isObject())
        return QString::fromUtf8(QJsonDocument(content.toObject()).toJson(QJsonDocument::Compact));
    return {};
}

} // namespace FakeAgentScript
