#include "azureopenai.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace AzureOpenAI {

std::optional<Target> target(const QString &endpoint, const QString &deployment, Operation operation,
    const QString &apiVersion, QString *error)
{
    const QUrl url(endpoint.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != "https"_L1 && url.scheme() != "http"_L1) || url.host().isEmpty()
        || url.hasQuery()) {
        *error = u"The Azure OpenAI endpoint '%1' is not a URL like https://NAME.openai.azure.com"_s.arg(
            endpoint);
        return std::nullopt;
    }
    if (deployment.trimmed().isEmpty()) {
        *error = u"No Azure OpenAI deployment name: give the name of the deployment, as the Azure portal "
                 "lists it"_s;
        return std::nullopt;
    }

    // Keep a prefix path (an API Management gateway in front of Azure) but not the parts we add ourselves.
    QString prefix = url.path();
    while (prefix.endsWith(u'/'))
        prefix.chop(1);
    for (const auto suffix : { "/openai/v1"_L1, "/openai"_L1 }) {
        if (prefix.endsWith(suffix)) {
            prefix.chop(suffix.size());
            break;
        }
    }

    Target target;
    target.origin = url.adjusted(QUrl::RemovePath | QUrl::RemoveFragment | QUrl::RemoveUserInfo).toEncoded();
    const QByteArray operationPath = operation == Operation::ChatCompletions ? "/chat/completions"
        : operation == Operation::Embeddings                                 ? "/embeddings"
                                                                             : "/responses";
    const QByteArray base = QUrl::toPercentEncoding(prefix, "/");
    const QString version
        = apiVersion.trimmed().isEmpty() ? QString::fromLatin1(defaultApiVersion) : apiVersion.trimmed();
    if (version == "v1"_L1 || operation == Operation::Responses) {
        target.path = base + "/openai/v1" + operationPath;
        target.modelInBody = true;
    } else {
        target.path = base + "/openai/deployments/" + QUrl::toPercentEncoding(deployment.trimmed())
            + operationPath + "?api-version=" + QUrl::toPercentEncoding(version);
    }
    return target;
}

} // namespace AzureOpenAI
