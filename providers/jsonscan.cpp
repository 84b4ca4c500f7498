#include "jsonscan.h"

namespace JsonScan {
namespace {

constexpr int MaxDepth = 256;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

class Scanner
{
public:
    explicit Scanner(QByteArrayView text)
        : m_p(text.data())
        , m_n(text.size())
    { }

    qsizetype skipSpace(qsizetype i) const
    {
        while (i < m_n && isSpace(m_p[i]))
            ++i;
        return i;
    }

    // Returns the end of the value that starts at i (after whitespace), or -1 with m_error set.
    qsizetype value(qsizetype i, int depth)
    {
        i = skipSpace(i);
        if (i >= m_n)
            return fail(i, "unexpected end of input");
        switch (m_p[i]) {
        case '{':
            return object(i, depth + 1);
        case '[':
            return array(i, depth + 1);
        case '"':
            return string(i);
        case 't':
            return literal(i, "true");
        case 'f':
            return literal(i, "false");
        case 'n':
            return literal(i, "null");
        default:
            if (m_p[i] == '-' || (m_p[i] >= '0' && m_p[i] <= '9'))
                return number(i);
            return fail(i, "unexpected character");
        }
    }

    qsizetype string(qsizetype i)
    {
        ++i; // opening quote
        while (i < m_n) {
            const auto c = static_cast<unsigned char>(m_p[i]);
            if (c == '"')
                return i + 1;
            if (c < 0x20)
                return fail(i, "control character in string");
            if (c >= 0x80) {
                const qsizetype length = utf8SequenceLength(i);
                if (length == 0)
                    return fail(i, "invalid UTF-8 in string");
                i += length;
                continue;
            }
            if (c == '\\') {
                if (i + 1 >= m_n)
                    break;
                const char e = m_p[i + 1];
                if (e == 'u') {
                    if (i + 5 >= m_n)
                        break;
                    for (int k = 2; k < 6; ++k) {
                        if (!isxdigit(static_cast<unsigned char>(m_p[i + k])))
                            return fail(i, "bad \\u escape");
                    }
                    i += 6;
                    continue;
                }
                if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r'
                    && e != 't')
                    return fail(i, "bad escape");
                i += 2;
                continue;
            }
            ++i;
        }
        return fail(i, "unterminated string");
    }

    QString error;

    // Skips the value at i in text already known to be valid: no checks, just structure.
    qsizetype skipValid(qsizetype i) const
    {
        i = skipSpace(i);
        if (i >= m_n)
            return -1;
        const char c = m_p[i];
        if (c == '"')
            return skipValidString(i);
        if (c != '{' && c != '[') {
            while (i < m_n && m_p[i] != ',' && m_p[i] != '}' && m_p[i] != ']' && !isSpace(m_p[i]))
                ++i;
            return i;
        }
        int depth = 0;
        while (i < m_n) {
            const char d = m_p[i];
            if (d == '"') {
                i = skipValidString(i);
                if (i < 0)
                    return -1;
                continue;
            }
            if (d == '{' || d == '[')
                ++depth;
            else if ((d == '}' || d == ']') && --depth == 0)
                return i + 1;
            ++i;
        }
        return -1;
    }

    qsizetype skipValidString(qsizetype i) const
    {
        for (++i; i < m_n; ++i) {
            if (m_p[i] == '\\')
                ++i;
            else if (m_p[i] == '"')
                return i + 1;
        }
        return -1;
    }

private:
    // Length of the well-formed UTF-8 sequence at i (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF), or
    // 0.
    qsizetype utf8SequenceLength(qsizetype i) const
    {
        const auto byte
            = [&](qsizetype k) { return i + k < m_n ? static_cast<unsigned char>(m_p[i + k]) : 0; };
        const unsigned char b0 = byte(0);
        const auto continuation = [&](qsizetype k) { return (byte(k) & 0xC0) == 0x80; };
        if (b0 >= 0xC2 && b0 <= 0xDF)
            return continuation(1) ? 2 : 0;
        if (b0 >= 0xE0 && b0 <= 0xEF) {
            const unsigned char b1 = byte(1);
            if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 > 0x9F))
                return 0;
            return continuation(1) && continuation(2) ? 3 : 0;
        }
        if (b0 >= 0xF0 && b0 <= 0xF4) {
            const unsigned char b1 = byte(1);
            if ((b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 > 0x8F))
                return 0;
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0;
        }
        return 0;
    }

    qsizetype fail(qsizetype at, const char *what)
    {
        if (error.isEmpty())
            error = QStringLiteral("invalid JSON at byte %1: %2").arg(at).arg(QLatin1String(what));
        return -1;
    }

    qsizetype literal(qsizetype i, QByteArrayView word)
    {
        if (QByteArrayView(m_p + i, qMin(word.size(), m_n - i)) != word)
            return fail(i, "unexpected word");
        return i + word.size();
    }

    qsizetype digits(qsizetype i)
    {
        const qsizetype start = i;
        while (i < m_n && m_p[i] >= '0' && m_p[i] <= '9')
            ++i;
        return i == start ? fail(i, "digit expected") : i;
    }

    qsizetype number(qsizetype i)
    {
        if (m_p[i] == '-')
            ++i;
        if (i < m_n && m_p[i] == '0')
            ++i;
        else if ((i = digits(i)) < 0)
            return -1;
        if (i < m_n && m_p[i] == '.' && (i = digits(i + 1)) < 0)
            return -1;
        if (i < m_n && (m_p[i] == 'e' || m_p[i] == 'E')) {
            ++i;
            if (i < m_n && (m_p[i] == '+' || m_p[i] == '-'))
                ++i;
            if ((i = digits(i)) < 0)
                return -1;
        }
        return i;
    }

    qsizetype object(qsizetype i, int depth)
    {
        if (depth > MaxDepth)
            return fail(i, "nesting too deep");
        i = skipSpace(i + 1);
        if (i < m_n && m_p[i] == '}')
            return i + 1;
        while (true) {
            i = skipSpace(i);
            if (i >= m_n || m_p[i] != '"')
                return fail(i, "member name expected");
            if ((i = string(i)) < 0)
                return -1;
            i = skipSpace(i);
            if (i >= m_n || m_p[i] != ':')
                return fail(i, "':' expected");
            if ((i = value(i + 1, depth)) < 0)
                return -1;
            i = skipSpace(i);
            if (i < m_n && m_p[i] == ',') {
                ++i;
                continue;
            }
            if (i < m_n && m_p[i] == '}')
                return i + 1;
            return fail(i, "',' or '}' expected");
        }
    }

    qsizetype array(qsizetype i, int depth)
    {
        if (depth > MaxDepth)
            return fail(i, "nesting too deep");
        i = skipSpace(i + 1);
        if (i < m_n && m_p[i] == ']')
            return i + 1;
        while (true) {
            if ((i = value(i, depth)) < 0)
                return -1;
            i = skipSpace(i);
            if (i < m_n && m_p[i] == ',') {
                ++i;
                continue;
            }
            if (i < m_n && m_p[i] == ']')
                return i + 1;
            return fail(i, "',' or ']' expected");
        }
    }

    const char *m_p;
    qsizetype m_n;
};

// Calls f(keySpan, valueSpan) for each member of a valid object until f returns true.
template<typename F> void forEachMember(QByteArrayView text, Span object, F f)
{
    if (typeAt(text, object) != Type::Object)
        return;
    Scanner s(text);
    qsizetype i = s.skipSpace(object.begin + 1);
    if (text[i] == '}')
        return;
    while (i < object.end) {
        i = s.skipSpace(i);
        const qsizetype keyEnd = s.skipValidString(i);
        if (keyEnd < 0)
            return;
        const Span key { i, keyEnd };
        const qsizetype valueBegin = s.skipSpace(s.skipSpace(keyEnd) + 1);
        const qsizetype valueEnd = s.skipValid(valueBegin);
        if (keyEnd < 0 || valueEnd < 0 || f(key, Span { valueBegin, valueEnd }))
            return;
        i = s.skipSpace(valueEnd);
        if (text[i] != ',')
            return;
        ++i;
    }
}

} // namespace

Span validate(QByteArrayView text, QString *error)
{
    Scanner s(text);
    const qsizetype begin = s.skipSpace(0);
    const qsizetype end = s.value(begin, 0);
    if (end >= 0 && s.skipSpace(end) != text.size())
        s.error = QStringLiteral("invalid JSON at byte %1: unexpected data after the value").arg(end);
    if (!s.error.isEmpty()) {
        if (error)
            *error = s.error;
        return {};
    }
    return Span { begin, end };
}

Type typeAt(QByteArrayView text, Span value)
{
    if (!value.isValid() || value.begin >= text.size())
        return Type::Invalid;
    switch (text[value.begin]) {
    case '{':
        return Type::Object;
    case '[':
        return Type::Array;
    case '"':
        return Type::String;
    case 't':
        return Type::True;
    case 'f':
        return Type::False;
    case 'n':
        return Type::Null;
    default:
        return Type::Number;
    }
}

namespace {
// Whether the key at `k` (a string span) names `key`, escapes decoded: "mod\u0065l" is "model" too.
bool keyIs(QByteArrayView text, Span k, QByteArrayView key)
{
    const QByteArrayView raw = text.sliced(k.begin + 1, k.size() - 2);
    if (!raw.contains('\\'))
        return raw == key;
    return toString(text, k).value_or(QString()) == QLatin1String(key.data(), key.size());
}
} // namespace

Span member(QByteArrayView text, Span object, QByteArrayView key)
{
    Span found;
    forEachMember(text, object, [&](Span k, Span v) {
        if (keyIs(text, k, key)) {
            found = v;
            return true;
        }
        return false;
    });
    return found;
}

Span memberSpanWithKey(QByteArrayView text, Span object, QByteArrayView key)
{
    Span found;
    forEachMember(text, object, [&](Span k, Span v) {
        if (keyIs(text, k, key)) {
            found = Span { k.begin, v.end };
            return true;
        }
        return false;
    });
    return found;
}

bool findMembers(QByteArrayView text, Span object, std::initializer_list<QByteArrayView> keys, Member *out)
{
    bool unique = true;
    forEachMember(text, object, [&](Span k, Span v) {
        qsizetype index = 0;
        for (QByteArrayView key : keys) {
            if (keyIs(text, k, key)) {
                if (out[index].value.isValid())
                    unique = false;
                out[index] = Member { k, v };
                break;
            }
            ++index;
        }
        return false;
    });
    return unique;
}

Span path(QByteArrayView text, Span object, std::initializer_list<QByteArrayView> keys)
{
    Span at = object;
    for (QByteArrayView key : keys) {
        at = member(text, at, key);
        if (!at.isValid())
            break;
    }
    return at;
}

Span element(QByteArrayView text, Span array, qsizetype index)
{
    if (typeAt(text, array) != Type::Array)
        return {};
    Scanner s(text);
    qsizetype i = s.skipSpace(array.begin + 1);
    if (text[i] == ']')
        return {};
    for (qsizetype n = 0; i < array.end; ++n) {
        const qsizetype begin = s.skipSpace(i);
        const qsizetype end = s.skipValid(begin);
        if (end < 0)
            return {};
        if (n == index)
            return Span { begin, end };
        i = s.skipSpace(end);
        if (text[i] != ',')
            return {};
        ++i;
    }
    return {};
}

qsizetype elementCount(QByteArrayView text, Span array)
{
    if (typeAt(text, array) != Type::Array)
        return 0;
    qsizetype n = 0;
    while (element(text, array, n).isValid())
        ++n;
    return n;
}

} // namespace JsonScan
