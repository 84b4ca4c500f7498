// Fuzz target for the HTTP/1.1 request parser, and for the response parser on the same bytes.
// Invariants: the answer does not depend on how the bytes are split; consumed() stays within the buffer and
// moves forward; errors carry one of the documented statuses; a Complete request, written out again in
// canonical form, parses back to the same method, target, headers and body.

#include "fuzzcheck.h"
#include "httprequestparser.h"
#include "httpresponseparser.h"

#include <cstdint>

namespace {

using Status = HttpRequestParser::Status;

HttpLimits fuzzLimits()
{
    HttpLimits limits;
    limits.maxHeaderBytes = 2048;
    limits.maxHeaderCount = 16;
    limits.maxBodyBytes = 4096;
    return limits;
}

struct Outcome
{
    Status status = Status::Incomplete;
    int errorStatus = 0;
    qsizetype consumed = 0;
    bool expectsContinue = false;
    HttpRequest request;
};

// Feeds growing prefixes of `buffer` (sizes `cuts`, the last = the whole) to a fresh parser.
Outcome parse(QByteArrayView buffer, std::initializer_list<qsizetype> cuts, HttpLimits limits)
{
    HttpRequestParser parser(limits);
    Outcome outcome;
    for (const qsizetype cut : cuts) {
        outcome.status = parser.parse(buffer.first(cut));
        if (outcome.status == Status::Incomplete) {
            // 100 Continue is only ever due once the head is in and the body is not.
            FUZZ_CHECK(!parser.expectsContinue() || parser.headComplete(), "expectsContinue before the head");
            outcome.expectsContinue = parser.expectsContinue();
            continue;
        }
        if (outcome.status == Status::Error) {
            outcome.errorStatus = parser.errorStatus();
            FUZZ_CHECK(!parser.errorMessage().isEmpty(), "error without a message");
        } else {
            outcome.consumed = parser.consumed();
            outcome.request = parser.takeRequest();
        }
        break;
    }
    return outcome;
}

bool isFramingHeader(const QByteArray &name)
{
    return name == "content-length" || name == "transfer-encoding";
}

HttpHeaders withoutFraming(const HttpHeaders &headers)
{
    HttpHeaders out;
    for (const auto &header : headers) {
        if (!isFramingHeader(header.first))
            out.append(header);
    }
    return out;
}

// The request in canonical form: origin-form target, one space after colons, Content-Length framing.
QByteArray serialise(const HttpRequest &request)
{
    QByteArray out = request.method + ' ' + request.target + " HTTP/1."
        + QByteArray::number(request.minorVersion) + "\r\n";
    bool framed = false;
    for (const auto &[name, value] : request.headers) {
        if (isFramingHeader(name)) {
            framed = true;
            continue;
        }
        out += name + ": " + value + "\r\n";
    }
    if (framed || !request.body.isEmpty())
        out += "content-length: " + QByteArray::number(request.body.size()) + "\r\n";
    return out + "\r\n" + request.body;
}

void checkRequest(const HttpRequest &request)
{
    FUZZ_CHECK(!request.method.isEmpty(), "empty method");
    for (const char c : request.method)
        FUZZ_CHECK(Http::isTokenChar(c), "method is not a token");
    FUZZ_CHECK(request.path.startsWith('/') || request.path == "*", "path is not origin-form");
    FUZZ_CHECK(request.target == request.path || request.target == request.path + '?' + request.query,
        "target is not path and query");
    FUZZ_CHECK(request.minorVersion >= 0 && request.minorVersion <= 9, "minor version");
    FUZZ_CHECK(request.minorVersion == 0 || !request.header("host").isNull(), "HTTP/1.1 without Host");
    for (const auto &[name, value] : request.headers) {
        FUZZ_CHECK(!name.isEmpty() && name == name.toLower(), "header name not lower-case");
        FUZZ_CHECK(
            !value.contains('\r') && !value.contains('\n') && !value.contains('\0'), "CR/LF/NUL in value");
        FUZZ_CHECK(value == value.trimmed(), "value not trimmed");
    }
    FUZZ_CHECK(request.body.size() <= fuzzLimits().maxBodyBytes, "body over the limit");
}

bool same(const Outcome &a, const Outcome &b)
{
    return a.status == b.status && a.errorStatus == b.errorStatus && a.consumed == b.consumed
        && a.request.method == b.request.method && a.request.target == b.request.target
        && a.request.headers == b.request.headers && a.request.body == b.request.body
        && a.request.keepAlive == b.request.keepAlive;
}

void checkRoundTrip(const HttpRequest &request)
{
    const QByteArray text = serialise(request);
    HttpLimits roomy = fuzzLimits();
    roomy.maxHeaderBytes *= 4; // canonical spacing and the added Content-Length may grow the head
    const Outcome again = parse(text, { text.size() }, roomy);
    FUZZ_CHECK(again.status == Status::Complete, "canonical form does not parse");
    FUZZ_CHECK(again.consumed == text.size(), "canonical form not consumed whole");
    const HttpRequest &r = again.request;
    FUZZ_CHECK(r.method == request.method && r.target == request.target && r.path == request.path
            && r.query == request.query && r.minorVersion == request.minorVersion
            && r.keepAlive == request.keepAlive && r.body == request.body,
        "canonical form parses differently");
    FUZZ_CHECK(
        withoutFraming(r.headers) == withoutFraming(request.headers), "canonical form changes headers");
}

void fuzzRequests(QByteArrayView input, qsizetype splitSeed)
{
    QByteArray buffer = input.toByteArray();
    for (int n = 0; n < 32 && !buffer.isEmpty(); ++n) { // pipelined requests, one after the other
        const qsizetype split = splitSeed % (buffer.size() + 1);
        const Outcome whole = parse(buffer, { buffer.size() }, fuzzLimits());
        FUZZ_CHECK(same(whole, parse(buffer, { split, buffer.size() }, fuzzLimits())),
            "split feed changed the outcome");
        if (whole.status == Status::Error) {
            const int s = whole.errorStatus;
            FUZZ_CHECK(s == 400 || s == 413 || s == 431 || s == 501 || s == 505, "undocumented error status");
            return;
        }
        if (whole.status == Status::Incomplete)
            return;
        FUZZ_CHECK(whole.consumed > 0 && whole.consumed <= buffer.size(), "consumed() out of the buffer");
        checkRequest(whole.request);
        checkRoundTrip(whole.request);
        buffer.remove(0, whole.consumed);
    }
}

struct ResponseOutcome
{
    HttpResponseParser::Status status = HttpResponseParser::Status::Incomplete;
    int code = 0;
    QByteArray body;
};

ResponseOutcome parseResponse(QByteArrayView input, qsizetype split, bool head)
{
    HttpResponseParser parser;
    parser.reset(head);
    ResponseOutcome outcome;
    QByteArray buffer;
    for (const QByteArrayView piece : { input.first(split), input.sliced(split) }) {
        buffer += piece;
        QByteArray body;
        outcome.status = parser.parse(buffer, &body);
        outcome.body += body;
        if (outcome.status != HttpResponseParser::Status::Incomplete)
            break;
    }
    if (outcome.status == HttpResponseParser::Status::Incomplete)
        outcome.status = parser.finishAtEof();
    outcome.code = parser.status();
    FUZZ_CHECK(outcome.status != HttpResponseParser::Status::Incomplete, "incomplete after the close");
    FUZZ_CHECK(outcome.status != HttpResponseParser::Status::Complete
            || (outcome.code >= 200 && outcome.code <= 999),
        "complete response without a final status");
    return outcome;
}

void fuzzResponse(QByteArrayView input, qsizetype splitSeed, bool head)
{
    const ResponseOutcome whole = parseResponse(input, input.size(), head);
    const ResponseOutcome split = parseResponse(input, splitSeed % (input.size() + 1), head);
    const bool sameResponse = whole.status == split.status
        && (whole.status != HttpResponseParser::Status::Complete
            || (whole.code == split.code && whole.body == split.body));
    FUZZ_CHECK(sameResponse, "split feed changed the response");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    // Where to split, from the data itself, so that libFuzzer can steer it.
    const qsizetype splitSeed = size == 0 ? 0 : qsizetype(size_t(data[0]) * 251 + size_t(data[size - 1]) * 7);
    fuzzRequests(input, splitSeed);
    fuzzResponse(input, splitSeed, size > 0 && (data[size - 1] & 1));
    return 0;
}
