#pragma once

// The request parser's test cases: well-formed requests with what they must parse to, and malformed ones
// with the status each must be refused with. All assume smallLimits().

#include "httprequestparser.h"

#include <QList>

// 1 KiB of head, 16 header fields, 100 bytes of body.
HttpLimits smallLimits();

// A request the parser accepts, and what it must make of it.
struct ValidCase
{
    const char *name;
    QByteArray input;
    QByteArray method, target, path, query;
    int minorVersion;
    bool keepAlive;
    QByteArray body;
    QByteArray headerName, headerValue; // one header to check, by its lower-case name
};

// A request the parser refuses, and with which status.
struct ErrorCase
{
    const char *name;
    QByteArray input;
    int status;
};

QList<ValidCase> validCases();
QList<ErrorCase> errorCases();
// The first bytes a TLS client sends: what a plain-HTTP port must refuse at once.
QByteArray tlsClientHelloStart();
