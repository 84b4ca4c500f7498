// Reading values out of the text JsonScan located: numbers, booleans, unescaped strings; and quoting.
#include "jsonscan.h"

namespace JsonScan {

std::optional<qint64> toInteger(QByteArrayView text, Span value)
{
    if (typeAt(text, value) != Type::Number)
        return std::nullopt;
    bool ok = false;
    const qint64 n = text.sliced(value.begin, value.size()).toLongLong(&ok);
    if (ok)
        return n;
    const double d = text.sliced(value.begin, value.size()).toDouble(&ok);
    // Out of range for qint64 (or not finite): not an integer the gateway can use.
    if (!ok || !(d >= -9.2e18 && d <= 9.2e18))
        return std::nullopt;
    return qint64(d);
}

std::optional<bool> toBool(QByteArrayView text, Span value)
{
    switch (typeAt(text, value)) {
    case Type::True:
        return true;
    case Type::False:
        return false;
    default:
        return std::nullopt;
    }
}

std::optional<QString> toString(QByteArrayView text, Span value)
{
    if (typeAt(text, value) != Type::String)
        return std::nullopt;
    const QByteArrayView raw = text.sliced(value.begin + 1, value.size() - 2);
    if (!raw.contains('\\'))
        return QString::fromUtf8(raw);
    QString out;
    out.reserve(raw.size());
    QByteArray pending; // UTF-8 bytes not yet converted
    auto flush = [&] {
        out += QString::fromUtf8(pending);
        pending.clear();
    };
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\') {
            pending += raw[i];
            continue;
        }
        flush();
        const char e = raw[++i];
        switch (e) {
        case 'b':
            out += u'\b';
            break;
        case 'f':
            out += u'\f';
            break;
        case 'n':
            out += u'\n';
            break;
        case 'r':
            out += u'\r';
            break;
        case 't':
            out += u'\t';
            break;
        case 'u':
            out += QChar(char16_t(raw.sliced(i + 1, 4).toUShort(nullptr, 16)));
            i += 4;
            break;
        default:
            out += QLatin1Char(e);
            break;
        }
    }
    flush();
    return out;
}

void appendQuoted(QByteArray &out, QByteArrayView utf8)
{
    out += '"';
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += "0123456789abcdef"[(c >> 4) & 0xf];
                out += "0123456789abcdef"[c & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

QByteArray quote(QStringView value)
{
    const QByteArray utf8 = value.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    appendQuoted(out, utf8);
    return out;
}

} // namespace JsonScan
