#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

// A strict JSON validator and locator that works on the text in place, without building a document.
// The proxy's hot path only needs a few fields of each request and response, so it finds them here and
// edits the text by splicing, instead of parsing into and serialising from QJsonDocument.
namespace JsonScan {

// Where one value lies in the text: [begin, end).
struct Span
{
    qsizetype begin = -1;
    qsizetype end = -1;
    bool isValid() const { return begin >= 0; }
    qsizetype size() const { return end - begin; }
};

enum class Type { Invalid, Object, Array, String, Number, True, False, Null };

// The span of the single value the whole text holds (whitespace around it allowed), or an invalid span and
// a message naming the byte offset of the first error. Enforces RFC 8259, nesting depth at most 256.
Span validate(QByteArrayView text, QString *error = nullptr);

Type typeAt(QByteArrayView text, Span value);

// The value of member `key` of the object at `object` (text must already be valid), or an invalid span.
// Keys are compared after decoding escapes.
Span member(QByteArrayView text, Span object, QByteArrayView key);
// One member found in an object: its key and its value.
struct Member
{
    Span key;
    Span value;
};
// Finds several members in one pass: out[i] is the member named keys[i] (invalid spans when absent).
// Keys are matched after decoding escapes. Returns false when one of `keys` occurs more than once (then
// out[i] holds the last, which is what most JSON parsers upstream would read).
bool findMembers(QByteArrayView text, Span object, std::initializer_list<QByteArrayView> keys, Member *out);

// Follows a path of member names from `object`.
Span path(QByteArrayView text, Span object, std::initializer_list<QByteArrayView> keys);
// The n-th element of the array at `array`, or an invalid span.
Span element(QByteArrayView text, Span array, qsizetype index);
// Number of elements of the array at `array` (0 for anything else).
qsizetype elementCount(QByteArrayView text, Span array);

std::optional<qint64> toInteger(QByteArrayView text, Span value);
std::optional<bool> toBool(QByteArrayView text, Span value);
// The unescaped text of a string value.
std::optional<QString> toString(QByteArrayView text, Span value);

// The span of the member (from the key's opening quote to the end of its value) holding `key` in `object`,
// for removal; invalid if absent.
Span memberSpanWithKey(QByteArrayView text, Span object, QByteArrayView key);

// JSON string literal (with quotes) for `value`.
QByteArray quote(QStringView value);
// Appends the JSON string literal (with quotes) for UTF-8 text: `"` and `\` escaped, \b \f \n \r \t by name,
// other control characters as \u00XX; everything else as it is.
void appendQuoted(QByteArray &out, QByteArrayView utf8);

} // namespace JsonScan
