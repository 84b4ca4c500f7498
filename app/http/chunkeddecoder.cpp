#include "chunkeddecoder.h"

#include "httpmessage.h"

namespace {
constexpr qsizetype MaxSizeLine = 1024;
constexpr qint64 MaxTrailerBytes = 16 * 1024;

// "name: value" with a token name and no control characters, as for header fields.
bool validTrailerLine(QByteArrayView line)
{
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (i < colon ? !Http::isTokenChar(char(c)) : ((c < 0x20 && c != '\t') || c == 0x7f))
            return false;
    }
    return true;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

void ChunkedDecoder::reset()
{
    const qint64 maxBody = m_maxBody;
    *this = ChunkedDecoder();
    m_maxBody = maxBody;
}

ChunkedDecoder::Result ChunkedDecoder::fail(const char *message)
{
    m_error = message;
    return Result::Error;
}

ChunkedDecoder::Result ChunkedDecoder::decode(QByteArrayView data, qsizetype *pos, QByteArray *out)
{
    while (true) {
        const qsizetype available = data.size() - *pos;
        switch (m_state) {
        case State::Size: {
            const qsizetype eol = data.indexOf("\r\n", *pos);
            if (eol < 0 ? available > MaxSizeLine : eol - *pos > MaxSizeLine)
                return fail("chunk size line too long");
            if (eol < 0)
                return Result::NeedMore;
            const QByteArrayView line = data.sliced(*pos, eol - *pos);
            qsizetype i = 0;
            qint64 size = 0;
            for (; i < line.size() && hexValue(line[i]) >= 0; ++i) {
                if (i >= 15)
                    return fail("chunk size too large");
                size = size * 16 + hexValue(line[i]);
            }
            if (i == 0)
                return fail("invalid chunk size");
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
                ++i;
            if (i < line.size() && line[i] != ';')
                return fail("invalid chunk size");
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0)
                return fail("bare CR or LF in chunk size line");
            *pos = eol + 2;
            if (size == 0) {
                m_state = State::Trailer;
                break;
            }
            if (m_maxBody >= 0 && m_total + size > m_maxBody) {
                m_tooLarge = true;
                return fail("body too large");
            }
            m_total += size;
            m_remaining = size;
            m_state = State::Data;
            break;
        }
        case State::Data: {
            if (available == 0)
                return Result::NeedMore;
            const qsizetype take = qsizetype(qMin<qint64>(available, m_remaining));
            out->append(data.sliced(*pos, take));
            *pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::DataEnd;
            break;
        }
        case State::DataEnd:
            if (available < 2)
                return Result::NeedMore;
            if (data[*pos] != '\r' || data[*pos + 1] != '\n')
                return fail("chunk data not followed by CRLF");
            *pos += 2;
            m_state = State::Size;
            break;
        case State::Trailer: {
            const qsizetype eol = data.indexOf("\r\n", *pos);
            if (eol < 0 ? available > MaxSizeLine : eol - *pos > MaxSizeLine)
                return fail("trailer line too long");
            if (eol < 0)
                return Result::NeedMore;
            m_trailerBytes += eol - *pos + 2;
            if (m_trailerBytes > MaxTrailerBytes)
                return fail("trailer too large");
            const bool last = eol == *pos;
            if (!last && !validTrailerLine(data.sliced(*pos, eol - *pos)))
                return fail("malformed trailer field");
            *pos = eol + 2;
            if (last) {
                m_state = State::Size;
                return Result::Done;
            }
            break;
        }
        }
    }
}
