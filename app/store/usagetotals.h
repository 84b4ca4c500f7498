#pragma once

#include "requestrecord.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

#include <array>
#include <memory>
#include <optional>

// Latency histograms with logarithmic bins, so that percentiles can be summed over hours, models and keys
// without the raw records. Bin 0 holds [0, 1) ms, bin k holds [1.25^(k-1), 1.25^k) ms, the last one
// everything from 1.25^62 ms (about 17 minutes) on. A percentile read from it is interpolated within its
// bin, so it is within the bin's width (25 %) of the true value, and usually much closer.
namespace LatencyBins {
inline constexpr int kCount = 64;
using Counts = std::array<qint64, kCount>;
int binOf(qint64 ms);
double lowerEdge(int bin);
double upperEdge(int bin);
// The q-quantile (0 < q < 1) of the histogram; nullopt when it is empty.
std::optional<double> percentile(const Counts &counts, double q);

// A histogram that takes no memory until a count is added to it: a report's series hold a point per bucket
// and group, most of them empty, and 1 KiB of zeros each made a month by the hour for 33 keys cost 28 MB.
class Histogram
{
public:
    Histogram() = default;
    Histogram(const Histogram &other);
    Histogram &operator=(const Histogram &other);
    Histogram(Histogram &&) noexcept = default;
    Histogram &operator=(Histogram &&) noexcept = default;
    ~Histogram() = default;

    qint64 operator[](int bin) const { return m_counts ? (*m_counts)[size_t(bin)] : 0; }
    void add(int bin, qint64 count = 1);
    void merge(const Histogram &other);
    // The counts (all zeros when none was added).
    const Counts &counts() const;
    // Equal counts, whether added or not.
    friend bool operator==(const Histogram &a, const Histogram &b) { return a.counts() == b.counts(); }

private:
    std::unique_ptr<Counts> m_counts; // null until a count is added
};
std::optional<double> percentile(const Histogram &histogram, double q);

// A histogram as the usage rollups store it, one value where 64 columns were mostly zeros: for each bin that
// is not zero, in ascending order, its number (one byte) and its count (LEB128: seven bits a byte, the lowest
// first, the high bit set on every byte but the last). All zeros pack to nothing. The SQL functions that add
// them up in the database (RollupBins) read and write the same bytes.
QByteArray pack(const Counts &counts);
// Adds what `packed` holds to `counts`. False when it is not a packed histogram (a bin past the last, a count
// cut short or of more than 63 bits): what came before the fault is added, the rest is not.
bool addPacked(QByteArrayView packed, Counts &counts);
QByteArray pack(const Histogram &histogram);
bool addPacked(QByteArrayView packed, Histogram &histogram);
} // namespace LatencyBins

// Sums over request records: what a usage rollup row holds and what the usage API reports.
// A request retried or sent to a fallback leaves one record per attempt: `requests`, `errors` and the latency
// figures count only each request's last attempt, tokens and cost count every attempt.
struct UsageTotals
{
    qint64 requests = 0;
    qint64 errors = 0; // requests answered with a status of 400 or more (or none at all)
    qint64 retries = 0; // attempts that failed and were tried again
    qint64 cacheHits = 0;
    qint64 unpriced = 0; // records with tokens but no known price: their cost is not in `cost`
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 cachedTokens = 0;
    qint64 cacheWriteTokens = 0;
    qint64 reasoningTokens = 0;
    qint64 totalTokens = 0;
    double cost = 0;
    qint64 durationSumMs = 0;
    qint64 ttftCount = 0;
    qint64 ttftSumMs = 0;
    // Attempts the provider failed (429, 5xx, no answer, or retried): what routing holds against it.
    qint64 upstreamFailures = 0;
    LatencyBins::Histogram duration;
    LatencyBins::Histogram ttft;

    void add(const RequestRecord &record);
    void merge(const UsageTotals &other);
    bool isEmpty() const { return requests == 0 && retries == 0; }
};
