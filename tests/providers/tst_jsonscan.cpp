// The in-place JSON scanner: what it accepts against RFC 8259 (and QJsonDocument), where its errors point,
// and the locator functions (member, path, element, toString, toInteger, quote) on valid text.

#include "jsonscan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace JsonScan;
using namespace Qt::StringLiterals;

namespace {

QByteArray nested(int depth, char open, char close, const QByteArray &inner = {})
{
    return QByteArray(depth, open) + inner + QByteArray(depth, close);
}

QByteArray nestedObjects(int depth)
{
    QByteArray text = "1";
    for (int i = 0; i < depth; ++i)
        text = "{\"k\":" + text + '}';
    return text;
}

QByteArrayView textOf(QByteArrayView text, Span span)
{
    return span.isValid() ? text.sliced(span.begin, span.size()) : QByteArrayView();
}

} // namespace

class TestJsonScan final : public QObject
{
    Q_OBJECT

private slots:
    void validity_data();
    void validity();
    void invalidUtf8_data();
    void invalidUtf8();
    void errorNamesTheOffset_data();
    void errorNamesTheOffset();
    void spanOfTheValue();
    void typeAt_data();
    void typeAt();
    void memberAndPath();
    void memberIgnoresNestedAndValueText();
    void memberSpanWithKey();
    void findMembers();
    void elements();
    void toString_data();
    void toString();
    void toInteger_data();
    void toInteger();
    void toBool();
    void quoteRoundTrips_data();
    void quoteRoundTrips();
};

void TestJsonScan::validity_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");

    // Valid: every one must also be accepted by QJsonDocument (checked in the test).
    QTest::newRow("empty object") << QByteArray("{}") << true;
    QTest::newRow("empty array") << QByteArray("[]") << true;
    QTest::newRow("object") << QByteArray(R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})") << true;
    QTest::newRow("whitespace everywhere") << QByteArray(" \t\r\n{ \"a\" :\n[ 1 , 2 ] }\n ") << true;
    QTest::newRow("top-level string") << QByteArray(R"("text")") << true;
    QTest::newRow("top-level number") << QByteArray("42") << true;
    QTest::newRow("top-level literal") << QByteArray("null") << true;
    QTest::newRow("numbers") << QByteArray(
        "[0,-0,1,-1,10.5,0.25,1e10,1E+2,-1.25e-3,123456789012345678901234]")
                             << true;
    QTest::newRow("escapes") << QByteArray(R"(["\" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDE00"])") << true;
    QTest::newRow("lone surrogate escape")
        << QByteArray(R"(["\ud800"])") << true; // grammatical, RFC 8259 §8.2
    QTest::newRow("raw UTF-8") << QByteArray("[\"caf\xc3\xa9 \xf0\x9f\x98\x80\"]") << true;
    QTest::newRow("DEL is not a control character") << QByteArray("[\"\x7f\"]") << true;
    QTest::newRow("empty string and key") << QByteArray(R"({"":""})") << true;
    QTest::newRow("duplicate keys are grammatical") << QByteArray(R"({"a":1,"a":2})") << true;
    QTest::newRow("depth 256 arrays") << nested(256, '[', ']') << true;
    QTest::newRow("depth 256 objects") << nestedObjects(256) << true;

    QTest::newRow("empty input") << QByteArray() << false;
    QTest::newRow("only whitespace") << QByteArray(" \n ") << false;
    QTest::newRow("trailing comma in object") << QByteArray(R"({"a":1,})") << false;
    QTest::newRow("trailing comma in array") << QByteArray("[1,2,]") << false;
    QTest::newRow("leading comma") << QByteArray("[,1]") << false;
    QTest::newRow("leading zero") << QByteArray("[01]") << false;
    QTest::newRow("negative leading zero") << QByteArray("[-01]") << false;
    QTest::newRow("double zero") << QByteArray("00") << false;
    QTest::newRow("plus sign") << QByteArray("[+1]") << false;
    QTest::newRow("fraction without digits") << QByteArray("[1.]") << false;
    QTest::newRow("fraction without integer") << QByteArray("[.5]") << false;
    QTest::newRow("exponent without digits") << QByteArray("[1e]") << false;
    QTest::newRow("exponent sign without digits") << QByteArray("[1e+]") << false;
    QTest::newRow("lone minus") << QByteArray("[-]") << false;
    QTest::newRow("hex number") << QByteArray("[0x10]") << false;
    QTest::newRow("NaN") << QByteArray("[NaN]") << false;
    QTest::newRow("Infinity") << QByteArray("[Infinity]") << false;
    QTest::newRow("bad escape") << QByteArray(R"(["\x41"])") << false;
    QTest::newRow("capital U escape") << QByteArray(R"(["\U0041"])") << false;
    QTest::newRow("short unicode escape") << QByteArray(R"(["\u12"])") << false;
    QTest::newRow("non-hex unicode escape") << QByteArray(R"(["\u12G4"])") << false;
    QTest::newRow("escape at the end") << QByteArray("[\"\\") << false;
    QTest::newRow("raw control character") << QByteArray("[\"a\x01z\"]") << false;
    QTest::newRow("raw tab in string") << QByteArray("[\"a\tz\"]") << false;
    QTest::newRow("raw newline in string") << QByteArray("[\"a\nz\"]") << false;
    QTest::newRow("NUL in string") << QByteArrayLiteral("[\"a\0z\"]") << false;
    QTest::newRow("unterminated string") << QByteArray(R"(["abc)") << false;
    QTest::newRow("unterminated object") << QByteArray(R"({"a":1)") << false;
    QTest::newRow("unterminated array") << QByteArray("[1,2") << false;
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})") << false;
    QTest::newRow("missing comma") << QByteArray("[1 2]") << false;
    QTest::newRow("unquoted key") << QByteArray("{a:1}") << false;
    QTest::newRow("single quotes") << QByteArray("['a']") << false;
    QTest::newRow("non-string key") << QByteArray("{1:1}") << false;
    QTest::newRow("comment") << QByteArray("[1 /* c */]") << false;
    QTest::newRow("misspelt literal") << QByteArray("[nul]") << false;
    QTest::newRow("literal with suffix") << QByteArray("[truex]") << false;
    QTest::newRow("capitalised literal") << QByteArray("[True]") << false;
    QTest::newRow("trailing garbage") << QByteArray("{} x") << false;
    QTest::newRow("two values") << QByteArray("{}{}") << false;
    QTest::newRow("trailing NUL") << QByteArrayLiteral("{}\0") << false;
    QTest::newRow("byte order mark") << QByteArray("\xef\xbb\xbf{}") << false;
    QTest::newRow("depth 257 arrays") << nested(257, '[', ']') << false;
    QTest::newRow("depth 257 objects") << nestedObjects(257) << false;
    QTest::newRow("depth 100000, unclosed") << QByteArray(100000, '[') << false;
}

void TestJsonScan::validity()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QString error;
    const Span span = validate(text, &error);
    QCOMPARE(span.isValid(), valid);
    QCOMPARE(error.isEmpty(), valid);
    if (valid) {
        // QJsonDocument wants an array or object at the top, so the value is wrapped.
        QJsonParseError qtError;
        QJsonDocument::fromJson("[" + text + "]", &qtError);
        QVERIFY2(qtError.error == QJsonParseError::NoError, qPrintable(qtError.errorString()));
    } else {
        QVERIFY2(error.startsWith(u"invalid JSON at byte "_s), qPrintable(error));
    }
}

void TestJsonScan::invalidUtf8_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("lone continuation byte") << QByteArray("[\"a\x80z\"]");
    QTest::newRow("0xff") << QByteArray("[\"\xff\"]");
    QTest::newRow("overlong slash") << QByteArray("[\"\xc0\xaf\"]");
    QTest::newRow("encoded surrogate") << QByteArray("[\"\xed\xa0\x80\"]");
    QTest::newRow("truncated sequence") << QByteArray("[\"\xe2\x82\"]");
}

void TestJsonScan::invalidUtf8()
{
    // RFC 8259 §8.1: JSON text exchanged between systems MUST be UTF-8; QJsonDocument refuses these.
    QFETCH(QByteArray, text);
    QJsonParseError qtError;
    QJsonDocument::fromJson(text, &qtError);
    QCOMPARE(qtError.error, QJsonParseError::IllegalUTF8String);
    QVERIFY(!validate(text).isValid());
}

void TestJsonScan::errorNamesTheOffset_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("offset");
    QTest::newRow("trailing comma") << QByteArray(R"({"a":1,})") << 7;
    QTest::newRow("leading zero") << QByteArray("[01]") << 2;
    QTest::newRow("bad escape") << QByteArray(R"(["ab\x"])") << 4;
    QTest::newRow("trailing garbage") << QByteArray("[1] x") << 3;
    QTest::newRow("end of input") << QByteArray("[1,") << 3;
}

void TestJsonScan::errorNamesTheOffset()
{
    QFETCH(QByteArray, text);
    QFETCH(int, offset);
    QString error;
    QVERIFY(!validate(text, &error).isValid());
    QVERIFY2(
        error.startsWith(u"invalid JSON at byte "_s + QString::number(offset) + u':'), qPrintable(error));
}

void TestJsonScan::spanOfTheValue()
{
    const QByteArray text = "  \n{\"a\": [1, 2]}\t ";
    const Span span = validate(text);
    QCOMPARE(span.begin, 3);
    QCOMPARE(span.end, text.size() - 2);
    QCOMPARE(textOf(text, span), QByteArrayView("{\"a\": [1, 2]}"));
}

void TestJsonScan::typeAt_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Type>("type");
    QTest::newRow("object") << QByteArray(" {} ") << Type::Object;
    QTest::newRow("array") << QByteArray("[]") << Type::Array;
    QTest::newRow("string") << QByteArray("\"\"") << Type::String;
    QTest::newRow("number") << QByteArray("-1.5") << Type::Number;
    QTest::newRow("true") << QByteArray("true") << Type::True;
    QTest::newRow("false") << QByteArray("false") << Type::False;
    QTest::newRow("null") << QByteArray("null") << Type::Null;
    QTest::newRow("invalid text") << QByteArray("nope") << Type::Invalid;
}

void TestJsonScan::typeAt()
{
    QFETCH(QByteArray, text);
    QFETCH(Type, type);
    QCOMPARE(JsonScan::typeAt(text, validate(text)), type);
}

void TestJsonScan::memberAndPath()
{
    const QByteArray text = R"({ "a" : 1 , "b":{"c":[10, 20, {"d":"x"}], "e" : null}, "f":"g" })";
    const Span root = validate(text);
    QVERIFY(root.isValid());
    QCOMPARE(textOf(text, member(text, root, "a")), QByteArrayView("1"));
    QCOMPARE(textOf(text, member(text, root, "f")), QByteArrayView("\"g\""));
    QCOMPARE(textOf(text, path(text, root, { "b", "c" })), QByteArrayView("[10, 20, {\"d\":\"x\"}]"));
    QCOMPARE(textOf(text, path(text, root, { "b", "e" })), QByteArrayView("null"));
    QCOMPARE(JsonScan::typeAt(text, path(text, root, { "b", "e" })), Type::Null);
    QVERIFY(!member(text, root, "missing").isValid());
    QVERIFY(!path(text, root, { "b", "missing", "x" }).isValid());
    QVERIFY(!path(text, root, { "a", "x" }).isValid()); // through a number
    QVERIFY(!member(text, member(text, root, "f"), "g").isValid()); // on a string
    QVERIFY(!member(text, Span(), "a").isValid());
    const Span d = member(text, element(text, path(text, root, { "b", "c" }), 2), "d");
    QCOMPARE(JsonScan::toString(text, d), u"x"_s);
    // An empty object has no members.
    const QByteArray empty = "{ }";
    QVERIFY(!member(empty, validate(empty), "a").isValid());
}

void TestJsonScan::memberIgnoresNestedAndValueText()
{
    // "model" appears as a value and as a nested key before the real member.
    const QByteArray text = R"({"x":"model","inner":{"model":"nested"},"list":["model"],"model":"outer"})";
    const Span root = validate(text);
    QCOMPARE(JsonScan::toString(text, member(text, root, "model")), u"outer"_s);
    // A prefix is another key; an escaped spelling is the same key (as upstream's parser reads it).
    const QByteArray prefix = R"({"modelx":1,"mode":2})";
    QVERIFY(!member(prefix, validate(prefix), "model").isValid());
    const QByteArray escaped = R"({"x":1,"mod\u0065l":"m"})";
    QCOMPARE(JsonScan::toString(escaped, member(escaped, validate(escaped), "model")), u"m"_s);
}

void TestJsonScan::memberSpanWithKey()
{
    const QByteArray text = R"({"a":1, "include_usage" : false ,"b":2})";
    const Span root = validate(text);
    QCOMPARE(textOf(text, JsonScan::memberSpanWithKey(text, root, "include_usage")),
        QByteArrayView("\"include_usage\" : false"));
    QVERIFY(!JsonScan::memberSpanWithKey(text, root, "c").isValid());
}

void TestJsonScan::findMembers()
{
    const QByteArray text = R"({"model":"a","stream":true,"messages":[{"model":"nested"}],"x":null})";
    const Span root = validate(text);
    Member found[3];
    QVERIFY(JsonScan::findMembers(text, root, { "model", "stream", "absent" }, found));
    QCOMPARE(textOf(text, found[0].key), QByteArrayView("\"model\""));
    QCOMPARE(textOf(text, found[0].value), QByteArrayView("\"a\""));
    QCOMPARE(textOf(text, found[1].value), QByteArrayView("true"));
    QVERIFY(!found[2].key.isValid() && !found[2].value.isValid());

    // A repeated key (also when spelt with an escape) is reported, with the last occurrence.
    const QByteArray twice = R"({"model":"cheap","messages":[],"mod\u0065l":"expensive"})";
    Member model[1];
    QVERIFY(!JsonScan::findMembers(twice, validate(twice), { "model" }, model));
    QCOMPARE(JsonScan::toString(twice, model[0].value), u"expensive"_s);
}

void TestJsonScan::elements()
{
    const QByteArray text = R"([ 1 , "two", {"three":3}, [4], null ])";
    const Span array = validate(text);
    QCOMPARE(elementCount(text, array), 5);
    QCOMPARE(textOf(text, element(text, array, 0)), QByteArrayView("1"));
    QCOMPARE(textOf(text, element(text, array, 1)), QByteArrayView("\"two\""));
    QCOMPARE(textOf(text, element(text, array, 2)), QByteArrayView("{\"three\":3}"));
    QCOMPARE(textOf(text, element(text, array, 3)), QByteArrayView("[4]"));
    QCOMPARE(textOf(text, element(text, array, 4)), QByteArrayView("null"));
    QVERIFY(!element(text, array, 5).isValid());
    QVERIFY(!element(text, array, -1).isValid());
    const QByteArray empty = "[ ]";
    QCOMPARE(elementCount(empty, validate(empty)), 0);
    QVERIFY(!element(empty, validate(empty), 0).isValid());
    const QByteArray object = "{}";
    QCOMPARE(elementCount(object, validate(object)), 0);
}

void TestJsonScan::toString_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << QByteArray(R"("hello")") << u"hello"_s;
    QTest::newRow("empty") << QByteArray(R"("")") << QString();
    QTest::newRow("short escapes") << QByteArray(R"("q\" b\\ s\/ \b\f\n\r\t")") << u"q\" b\\ s/ \b\f\n\r\t"_s;
    QTest::newRow("unicode escape") << QByteArray(R"("caf\u00e9 \u20AC")") << u"café €"_s;
    QTest::newRow("surrogate pair") << QByteArray(R"("\ud83d\ude00!")") << u"😀!"_s;
    QTest::newRow("raw UTF-8 around escapes") << QByteArray("\"\xc3\xa9\\n\xf0\x9f\x98\x80\"") << u"é\n😀"_s;
    QTest::newRow("escaped NUL") << QByteArray(R"("a\u0000b")") << QString::fromUtf16(u"a\0b", 3);
    QTest::newRow("not a string") << QByteArray("12") << QString();
}

void TestJsonScan::toString()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const std::optional<QString> value = JsonScan::toString(text, validate(text));
    QCOMPARE(value.has_value(), text.startsWith('"'));
    QCOMPARE(value.value_or(QString()), expected);
    if (value) { // the same as QJsonDocument reads it
        const QJsonArray array = QJsonDocument::fromJson("[" + text + "]").array();
        QCOMPARE(*value, array.at(0).toString());
    }
}

void TestJsonScan::toInteger_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("hasValue");
    QTest::addColumn<qint64>("value");
    QTest::newRow("zero") << QByteArray("0") << true << qint64(0);
    QTest::newRow("tokens") << QByteArray("1234") << true << qint64(1234);
    QTest::newRow("negative") << QByteArray("-7") << true << qint64(-7);
    QTest::newRow("int64 max") << QByteArray("9223372036854775807") << true
                               << std::numeric_limits<qint64>::max();
    QTest::newRow("exponent") << QByteArray("1e3") << true << qint64(1000);
    QTest::newRow("float with zero fraction") << QByteArray("12.0") << true << qint64(12);
    QTest::newRow("string") << QByteArray(R"("5")") << false << qint64(0);
    QTest::newRow("null") << QByteArray("null") << false << qint64(0);
    // Out of range: converting such a double to qint64 is undefined behaviour (INT64_MIN on x86).
    QTest::newRow("int64 max + 1") << QByteArray("9223372036854775808") << false << qint64(0);
    QTest::newRow("1e300") << QByteArray("1e300") << false << qint64(0);
    QTest::newRow("-1e300") << QByteArray("-1e300") << false << qint64(0);
}

void TestJsonScan::toInteger()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, hasValue);
    QFETCH(qint64, value);
    const std::optional<qint64> result = JsonScan::toInteger(text, validate(text));
    QCOMPARE(result.has_value(), hasValue);
    QCOMPARE(result.value_or(0), value);
}

void TestJsonScan::toBool()
{
    const QByteArray text = R"([true, false, null, 1, "true"])";
    const Span array = validate(text);
    QCOMPARE(JsonScan::toBool(text, element(text, array, 0)), std::optional<bool>(true));
    QCOMPARE(JsonScan::toBool(text, element(text, array, 1)), std::optional<bool>(false));
    for (int i = 2; i < 5; ++i)
        QVERIFY(!JsonScan::toBool(text, element(text, array, i)).has_value());
}

void TestJsonScan::quoteRoundTrips_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("plain") << u"gpt-4o-mini"_s;
    QTest::newRow("empty") << QString();
    QTest::newRow("quotes and backslashes") << u"we\"ird\\name"_s;
    QTest::newRow("control characters") << u"a\nb\rc\td\u0001e\u001f\b\f"_s;
    QTest::newRow("non-ASCII") << u"modèle 😀 €"_s;
    QTest::newRow("NUL") << QString::fromUtf16(u"a\0b", 3);
}

void TestJsonScan::quoteRoundTrips()
{
    QFETCH(QString, value);
    const QByteArray quoted = quote(value);
    const Span span = validate(quoted);
    QVERIFY2(span.isValid(), quoted.constData());
    QCOMPARE(JsonScan::toString(quoted, span), value);
    QCOMPARE(QJsonDocument::fromJson("[" + quoted + "]").array().at(0).toString(), value);
    // The same bytes QJsonDocument writes, so text spliced in by JsonScan matches the document path's.
    const QByteArray document = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    QCOMPARE(quoted, document.sliced(1, document.size() - 2));
}

QTEST_GUILESS_MAIN(TestJsonScan)
#include "tst_jsonscan.moc"
