#include "fakeanswer.h"

#include "fakestructuredanswer.h"

#include <QRegularExpression>

namespace {
// Where a tokenizer would roughly cut JSON text: runs of letters/digits and runs of the rest (as the OpenAI
// fake).
QStringList argumentPieces(const QString &arguments)
{
    static const QRegularExpression piece(QStringLiteral("[\\p{L}\\p{N}_]+|[^\\p{L}\\p{N}_]+"));
    QStringList pieces;
    for (auto it = piece.globalMatch(arguments); it.hasNext();)
        pieces.append(it.next().captured());
    return pieces;
}
} // namespace

FakeAnswer::FakeAnswer(
    const QList<FakeTurn> &turns, Kind kind, int maxTokens, const FakeTokenSettings &tokens)
    : m_kind(kind)
    , m_tokens(tokens)
{
    QString lastUser;
    for (const FakeTurn &turn : turns) {
        m_promptTokens += FakeChatCompletion::countWords(turn.text) + 7;
        if (turn.role == u"user" && !turn.text.isEmpty())
            lastUser = turn.text;
    }
    if (kind == Kind::Tools) {
        for (const QString &city : { QStringLiteral("Paris"), QStringLiteral("Tokyo") }) {
            const QString arguments = QStringLiteral("{\"location\":\"%1\"}").arg(city);
            m_toolCalls.append({ QStringLiteral("get_weather"), arguments, argumentPieces(arguments) });
        }
        return;
    }
    m_pieces = FakeChatCompletion::wordPieces(QStringLiteral("Echo: ") + lastUser);
    if (kind == Kind::Length) {
        const int limit = qMax(1, maxTokens);
        if (m_pieces.size() > limit)
            m_pieces = m_pieces.mid(0, limit);
    }
}

FakeAnswer::Kind FakeAnswer::kindFor(const QString &model, bool toolsGiven)
{
    if (toolsGiven && (model == u"fake-tools" || model.endsWith(u"-tools")))
        return Kind::Tools;
    if (model == u"fake-length" || model.endsWith(u"-length"))
        return Kind::Length;
    return Kind::Echo;
}

int FakeAnswer::errorStatusFor(const QString &model)
{
    static const QString prefix = QStringLiteral("fake-error-");
    if (!model.startsWith(prefix))
        return -1;
    bool ok = false;
    const int status = model.mid(prefix.size()).toInt(&ok);
    return ok && status >= 100 && status <= 599 ? status : -1;
}

void FakeAnswer::replaceWithToolCall(const QString &name, const QString &arguments)
{
    m_kind = Kind::Tools;
    m_pieces.clear();
    m_toolCalls = { { name, arguments, argumentPieces(arguments) } };
}

void FakeAnswer::replaceWithEcho(const QString &text)
{
    m_kind = Kind::Echo;
    m_toolCalls.clear();
    m_pieces = FakeChatCompletion::wordPieces(QStringLiteral("Echo: ") + text);
}

void FakeAnswer::replaceWithJson(const QJsonObject &schema)
{
    if (m_kind == Kind::Echo && !schema.isEmpty())
        m_pieces = FakeChatCompletion::wordPieces(FakeStructuredAnswer::json(schema, content()));
}

bool FakeAnswer::errorsMidStream(const QString &model)
{
    return model == u"fake-stream-error" || model.endsWith(u"-stream-error");
}

int FakeAnswer::completionTokens() const
{
    int counted = 0;
    if (m_kind == Kind::Tools) {
        for (const ToolCall &call : m_toolCalls)
            counted += int(call.argumentPieces.size());
    } else {
        counted = FakeChatCompletion::countWords(content());
    }
    return counted + m_tokens.reasoningTokens;
}

FakeReply fakeEventStreamReply(
    const FakeReply::Headers &headers, const QByteArrayList &events, const FakeStreamPacing &pacing)
{
    FakeReply::Headers all { { "Content-Type", "text/event-stream; charset=utf-8" },
        { "Cache-Control", "no-cache" }, { "Transfer-Encoding", "chunked" } };
    all += headers;
    FakeReply reply;
    for (qsizetype i = 0; i < events.size(); ++i) {
        FakeReplyStep step { 0, FakeReply::chunk(events[i]), false };
        pacing.apply(step, i);
        if (i == 0)
            step.bytes.prepend(FakeReply::head(200, all));
        if (i == events.size() - 1)
            step.bytes += FakeReply::lastChunk();
        reply.steps.append(step);
    }
    return reply;
}
