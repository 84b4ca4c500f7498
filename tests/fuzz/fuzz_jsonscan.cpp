// Fuzz target for the JSON scanner and the OpenAI-compatible edits built on it.
// Invariants: what JsonScan accepts, QJsonDocument accepts too (for valid UTF-8, numbers within double
// range); two accepted values joined in an array are accepted; the locators agree with QJsonDocument on
// arrays, strings, booleans and small integers; quote() round-trips; rewriting a chat request or adding a
// cost keeps the text valid and says what was asked.

#include "fuzzcheck.h"
#include "jsonscan.h"
#include "openaicompat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringDecoder>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>

using namespace JsonScan;

namespace {

bool isValidUtf8(QByteArrayView text)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder(text);
    return !decoder.hasError();
}

// Nesting depth of valid JSON text, counting brackets outside strings.
int depthOf(QByteArrayView text)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            deepest = qMax(deepest, ++depth);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

// Number of members of a valid object (top-level commas + 1), to tell whether its keys are unique.
int rawMemberCount(QByteArrayView text, Span object)
{
    const QByteArrayView inner = text.sliced(object.begin + 1, object.size() - 2);
    if (inner.trimmed().isEmpty())
        return 0;
    int depth = 0;
    int commas = 0;
    bool inString = false;
    for (qsizetype i = 0; i < inner.size(); ++i) {
        const char c = inner[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if (c == ']' || c == '}') {
            --depth;
        } else if (c == ',' && depth == 0) {
            ++commas;
        }
    }
    return commas + 1;
}

// QJsonDocument refuses numbers that overflow or underflow a double, which RFC 8259 allows.
bool qtRefusesOnlyABigNumber(QByteArrayView wrapped, const QJsonParseError &error)
{
    if (error.error != QJsonParseError::IllegalNumber)
        return false;
    static const QRegularExpression number(QStringLiteral("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?"));
    qsizetype begin = error.offset;
    while (begin > 0 && QByteArrayView("+-.0123456789eE").contains(wrapped[begin - 1]))
        --begin;
    qsizetype end = begin;
    while (end < wrapped.size() && QByteArrayView("+-.0123456789eE").contains(wrapped[end]))
        ++end;
    const QByteArray token = wrapped.sliced(begin, end - begin).toByteArray();
    if (number.match(QString::fromLatin1(token)).capturedLength() != token.size())
        return false;
    errno = 0;
    std::strtod(token.constData(), nullptr);
    return errno == ERANGE;
}

void compareWithQt(QByteArrayView text, Span span, const QJsonValue &value, int budget = 2000)
{
    if (budget <= 0)
        return;
    const Type type = typeAt(text, span);
    switch (value.type()) {
    case QJsonValue::Array: {
        FUZZ_CHECK(type == Type::Array, "array type");
        const QJsonArray array = value.toArray();
        FUZZ_CHECK(elementCount(text, span) == array.size(), "elementCount differs from QJsonArray");
        for (qsizetype i = 0; i < array.size() && i < 64; ++i)
            compareWithQt(text, element(text, span, i), array.at(i), budget / 2);
        break;
    }
    case QJsonValue::Object: {
        FUZZ_CHECK(type == Type::Object, "object type");
        const QJsonObject object = value.toObject();
        if (rawMemberCount(text, span) != object.size())
            break; // duplicate keys: QJsonDocument keeps the last, member() finds the first
        int n = 0;
        for (auto it = object.begin(); it != object.end() && n < 64; ++it, ++n) {
            const QByteArray key = it.key().toUtf8();
            if (key.contains('"') || key.contains('\\') || std::any_of(key.begin(), key.end(), [](char c) {
                    return static_cast<unsigned char>(c) < 0x20;
                }))
                continue; // such a key is always escaped in the text; member() compares raw text
            const Span found = member(text, span, key);
            if (!found.isValid()) {
                FUZZ_CHECK(
                    text.sliced(span.begin, span.size()).contains('\\'), "member() missed a plain key");
                continue;
            }
            const Span whole = memberSpanWithKey(text, span, key);
            FUZZ_CHECK(whole.isValid() && text[whole.begin] == '"' && whole.end == found.end,
                "memberSpanWithKey() does not end with the value");
            compareWithQt(text, found, it.value(), budget / 2);
        }
        break;
    }
    case QJsonValue::String:
        FUZZ_CHECK(type == Type::String, "string type");
        FUZZ_CHECK(toString(text, span) == value.toString(), "toString() differs from QJsonDocument");
        break;
    case QJsonValue::Bool:
        FUZZ_CHECK(toBool(text, span) == value.toBool(), "toBool() differs");
        break;
    case QJsonValue::Null:
        FUZZ_CHECK(type == Type::Null, "null type");
        break;
    case QJsonValue::Double: {
        FUZZ_CHECK(type == Type::Number, "number type");
        const double d = value.toDouble();
        if (d == std::floor(d) && std::abs(d) < 9007199254740992.0) // exactly representable integers
            FUZZ_CHECK(toInteger(text, span) == qint64(d), "toInteger() differs");
        break;
    }
    case QJsonValue::Undefined:
        break;
    }
}

void fuzzChatEdits(QByteArrayView text, uint8_t choice)
{
    QString error;
    const std::optional<OpenAICompat::ChatRequest> request = OpenAICompat::readChatRequest(text, &error);
    FUZZ_CHECK(request.has_value() == error.isEmpty(), "readChatRequest: error and result disagree");
    if (request) {
        const QString model
            = (choice & 1) ? request->model : QStringLiteral("up\"stream\\model-") + QChar(0x263A);
        const QByteArray out = OpenAICompat::rewriteChatRequest(text, *request, model);
        const std::optional<OpenAICompat::ChatRequest> again = OpenAICompat::readChatRequest(out, &error);
        FUZZ_CHECK(again.has_value(), "rewritten request is not a valid request");
        FUZZ_CHECK(again->model == model, "rewritten model is not the upstream model");
        FUZZ_CHECK(again->stream == request->stream, "rewrite changed stream");
        FUZZ_CHECK(
            !request->stream || again->clientWantsUsage, "stream without include_usage after the rewrite");
        FUZZ_CHECK(
            !(choice & 1) || request->stream || out == text, "a request that needs no edit was changed");
    }
    if (const std::optional<OpenAICompat::ResponseInfo> info = OpenAICompat::readResponse(text)) {
        const TokenUsage usage = OpenAICompat::readUsage(text, info->usage);
        FUZZ_CHECK(usage.known == info->usage.isValid(), "usage known without a usage object");
        if (info->usage.isValid()) {
            const QByteArray out = OpenAICompat::withCost(text, info->usage, 0.000125);
            FUZZ_CHECK(validate(out).isValid(), "withCost() broke the JSON");
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView text(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const Span span = validate(text, &error);
    FUZZ_CHECK(span.isValid() == error.isEmpty(), "validity and error message disagree");

    if (span.isValid()) {
        FUZZ_CHECK(
            span.begin >= 0 && span.begin < span.end && span.end <= text.size(), "span outside the text");
        FUZZ_CHECK(typeAt(text, span) != Type::Invalid, "valid text of no type");
        if (isValidUtf8(text)) {
            const QByteArray wrapped = "[" + text.toByteArray() + "]";
            QJsonParseError qtError;
            const QJsonDocument document = QJsonDocument::fromJson(wrapped, &qtError);
            if (qtError.error == QJsonParseError::NoError)
                compareWithQt(text, span, document.array().at(0));
            else
                FUZZ_CHECK(
                    qtRefusesOnlyABigNumber(wrapped, qtError), "JsonScan accepts what QJsonDocument refuses");
        }
    }

    // Two values from the two halves, joined in an array.
    const qsizetype split = size == 0 ? 0 : qsizetype((size_t(data[0]) * 131 + size) % (size + 1));
    const QByteArrayView a = text.first(split);
    const QByteArrayView b = text.sliced(split);
    if (validate(a).isValid() && validate(b).isValid() && depthOf(a) < 256 && depthOf(b) < 256) {
        const QByteArray joined = "[" + a.toByteArray() + "," + b.toByteArray() + "]";
        const Span array = validate(joined);
        FUZZ_CHECK(array.isValid(), "two valid values joined in an array are invalid");
        FUZZ_CHECK(elementCount(joined, array) == 2, "joined array has not two elements");
    }

    // quote() round-trips whatever string the bytes make.
    const QString string = QString::fromUtf8(text.first(qMin<qsizetype>(text.size(), 256)));
    const QByteArray quoted = quote(string);
    const Span quotedSpan = validate(quoted);
    FUZZ_CHECK(quotedSpan.isValid() && toString(quoted, quotedSpan) == string, "quote() does not round-trip");

    if (span.isValid())
        fuzzChatEdits(text, size > 0 ? data[size - 1] : 0);
    return 0;
}
