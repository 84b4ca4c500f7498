#include "chunkedbody.h"

namespace {
// Far above anything a test sends; stops a garbage size line from asking for gigabytes.
constexpr qint64 maxChunkSize = 64 * 1024 * 1024;
constexpr qsizetype maxLineLength = 4096;
} // namespace

ChunkedBody::Status ChunkedBody::fail(const QString &message)
{
    m_error = message;
    return Status::Bad;
}

ChunkedBody::Status ChunkedBody::feed(QByteArray &buffer)
{
    for (;;) {
        if (m_part == Part::Data) {
            const qint64 take = qMin<qint64>(m_remaining, buffer.size());
            m_body.append(buffer.constData(), take);
            m_chunks.last().append(buffer.constData(), take);
            buffer.remove(0, take);
            m_remaining -= take;
            if (m_remaining > 0)
                return Status::NeedMore;
            m_part = Part::DataEnd;
            continue;
        }
        const qsizetype eol = buffer.indexOf("\r\n");
        if (eol < 0) {
            if (buffer.size() > maxLineLength)
                return fail(QStringLiteral("chunked body: line without CRLF"));
            return Status::NeedMore;
        }
        const QByteArray line = buffer.left(eol);
        buffer.remove(0, eol + 2);
        switch (m_part) {
        case Part::Size: {
            QByteArray sizeText = line;
            const qsizetype semicolon = sizeText.indexOf(';');
            if (semicolon >= 0)
                sizeText.truncate(semicolon); // chunk extensions carry nothing we need
            sizeText = sizeText.trimmed();
            bool ok = false;
            const qint64 size = sizeText.toLongLong(&ok, 16);
            if (!ok || size < 0 || size > maxChunkSize || sizeText.startsWith('+')
                || sizeText.startsWith('-'))
                return fail(QStringLiteral("chunked body: bad chunk size line \"%1\"")
                                .arg(QString::fromLatin1(line.left(40))));
            if (size == 0) {
                m_part = Part::Trailers;
            } else {
                m_remaining = size;
                m_chunks.append(QByteArray());
                m_part = Part::Data;
            }
            break;
        }
        case Part::DataEnd:
            if (!line.isEmpty())
                return fail(QStringLiteral("chunked body: chunk data longer than its size"));
            m_part = Part::Size;
            break;
        case Part::Trailers:
            if (line.isEmpty())
                return Status::Done;
            break; // trailer fields are ignored
        case Part::Data:
            Q_UNREACHABLE();
        }
    }
}
