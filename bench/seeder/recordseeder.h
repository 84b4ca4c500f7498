#pragma once

#include "database.h"

#include <QDateTime>
#include <QString>
#include <functional>
#include <optional>

class Clock;

// Writes realistic request records into a store, fast, for the window's tests, screenshots and benchmarks:
// a team of members with named keys, many models of many providers at their prices, a working-hours rhythm
// with quiet weekends, streamed and cached requests, rate-limit and server-error bursts, and latencies shaped
// per model (time to first token, then output at the model's speed). Deterministic for a given seed.
//
// Records go through the real LogWriter (one per seeding), so the usage rollups are kept exactly as the
// gateway keeps them. Seed a store before a gateway opens it: a running gateway learns of keys made here only
// at its next catch-up.
namespace RecordSeeder {

struct Options
{
    qint64 records = 10'000;
    int days = 90; // the records lie in the `days` before `end`
    QDateTime end; // default: now (UTC)
    quint64 seed = 1;
    bool payloads = false; // request and response bodies too (SeedPayloads), as under Retain All Data
    // Called now and then with the records written so far.
    std::function<void(qint64 written)> progress;
};

struct Seeded
{
    qint64 records = 0;
    QStringList members; // emails
    QList<qint64> keyIds; // the gateway API keys the records were made with
    QDateTime first;
    QDateTime last;
};

// nullopt and *error when the store cannot be opened or written.
std::optional<Seeded> seed(
    const DatabaseLocation &location, const Clock &clock, const Options &options, QString *error);

} // namespace RecordSeeder
