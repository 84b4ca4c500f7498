#include "textdeltachunk.h"

#include "jsonscan.h"

namespace TextDeltaChunk {

QByteArray build(QByteArrayView jsonText, qint64 created, const QString &id, const QString &model)
{
    QByteArray out;
    out.reserve(jsonText.size() + 192);
    out += R"({"choices":[{"delta":{"content":)";
    out += jsonText;
    out += R"(},"finish_reason":null,"index":0,"logprobs":null}],"created":)";
    out += QByteArray::number(created);
    out += R"(,"id":)";
    out += JsonScan::quote(id);
    out += R"(,"model":)";
    out += JsonScan::quote(model);
    out += R"(,"object":"chat.completion.chunk"})";
    return out;
}

} // namespace TextDeltaChunk
