#include "usagetotals.h"

#include <array>
#include <cmath>

namespace {

constexpr double kGrowth = 1.25;

// upperEdge(bin) of every bin, computed once: reports read three percentiles of every point of every series.
const std::array<double, LatencyBins::kCount> &upperEdges()
{
    static const std::array<double, LatencyBins::kCount> edges = [] {
        std::array<double, LatencyBins::kCount> computed {};
        for (int bin = 0; bin < LatencyBins::kCount; ++bin)
            computed[size_t(bin)] = bin == 0 ? 1.0 : std::pow(kGrowth, bin);
        return computed;
    }();
    return edges;
}

} // namespace

namespace LatencyBins {

int binOf(qint64 ms)
{
    if (ms < 1)
        return 0;
    // The smallest k with ms < 1.25^k; the logarithm alone can land one bin off at the exact edges.
    int bin = 1 + int(std::floor(std::log(double(ms)) / std::log(kGrowth)));
    while (bin > 1 && double(ms) < lowerEdge(bin))
        --bin;
    while (bin < kCount - 1 && double(ms) >= upperEdge(bin))
        ++bin;
    return qMin(bin, kCount - 1);
}

double lowerEdge(int bin)
{
    return bin == 0 ? 0.0 : upperEdges()[size_t(bin - 1)];
}

double upperEdge(int bin)
{
    return upperEdges()[size_t(bin)];
}

std::optional<double> percentile(const Counts &counts, double q)
{
    qint64 total = 0;
    for (qint64 count : counts)
        total += count;
    if (total == 0)
        return std::nullopt;
    const double rank = q * double(total);
    qint64 below = 0;
    for (int bin = 0; bin < kCount; ++bin) {
        if (counts[size_t(bin)] == 0)
            continue;
        if (double(below + counts[size_t(bin)]) >= rank) {
            const double within = (rank - double(below)) / double(counts[size_t(bin)]);
            return lowerEdge(bin) + (upperEdge(bin) - lowerEdge(bin)) * within;
        }
        below += counts[size_t(bin)];
    }
    return upperEdge(kCount - 1);
}

QByteArray pack(const Counts &counts)
{
    QByteArray packed;
    for (int bin = 0; bin < kCount; ++bin) {
        auto count = quint64(counts[size_t(bin)]);
        if (count == 0)
            continue;
        packed += char(bin);
        for (; count >= 0x80; count >>= 7)
            packed += char((count & 0x7f) | 0x80);
        packed += char(count);
    }
    return packed;
}

bool addPacked(QByteArrayView packed, Counts &counts)
{
    qsizetype at = 0;
    while (at < packed.size()) {
        const auto bin = quint8(packed[at++]);
        if (bin >= kCount)
            return false;
        quint64 count = 0;
        for (int shift = 0;; shift += 7) {
            if (at == packed.size() || shift > 56)
                return false;
            const auto byte = quint8(packed[at++]);
            count |= quint64(byte & 0x7f) << shift;
            if (byte < 0x80)
                break;
        }
        counts[bin] += qint64(count);
    }
    return true;
}

Histogram::Histogram(const Histogram &other)
    : m_counts(other.m_counts ? std::make_unique<Counts>(*other.m_counts) : nullptr)
{ }

Histogram &Histogram::operator=(const Histogram &other)
{
    if (this != &other)
        m_counts = other.m_counts ? std::make_unique<Counts>(*other.m_counts) : nullptr;
    return *this;
}

void Histogram::add(int bin, qint64 count)
{
    if (!m_counts)
        m_counts = std::make_unique<Counts>();
    (*m_counts)[size_t(bin)] += count;
}

void Histogram::merge(const Histogram &other)
{
    if (!other.m_counts)
        return;
    if (!m_counts) {
        m_counts = std::make_unique<Counts>(*other.m_counts);
        return;
    }
    for (size_t bin = 0; bin < m_counts->size(); ++bin)
        (*m_counts)[bin] += (*other.m_counts)[bin];
}

const Counts &Histogram::counts() const
{
    static const Counts zeros {};
    return m_counts ? *m_counts : zeros;
}

std::optional<double> percentile(const Histogram &histogram, double q)
{
    return percentile(histogram.counts(), q);
}

QByteArray pack(const Histogram &histogram)
{
    return pack(histogram.counts());
}

bool addPacked(QByteArrayView packed, Histogram &histogram)
{
    if (packed.isEmpty())
        return true;
    Counts counts {};
    const bool whole = addPacked(packed, counts);
    for (int bin = 0; bin < kCount; ++bin) {
        if (counts[size_t(bin)] != 0)
            histogram.add(bin, counts[size_t(bin)]);
    }
    return whole;
}

} // namespace LatencyBins

void UsageTotals::add(const RequestRecord &r)
{
    if (r.retried) {
        ++retries;
    } else {
        ++requests;
        if (r.status >= 400 || r.status == 0)
            ++errors;
        durationSumMs += r.durationMs;
        duration.add(LatencyBins::binOf(r.durationMs));
        if (r.ttftMs) {
            ++ttftCount;
            ttftSumMs += *r.ttftMs;
            ttft.add(LatencyBins::binOf(*r.ttftMs));
        }
    }
    if (r.retried || r.status == 429 || r.status >= 500 || r.status == 0)
        ++upstreamFailures;
    cacheHits += r.cacheHit;
    promptTokens += r.usage.promptTokens;
    completionTokens += r.usage.completionTokens;
    cachedTokens += r.usage.cachedTokens;
    cacheWriteTokens += r.usage.cacheWriteTokens;
    reasoningTokens += r.usage.reasoningTokens;
    totalTokens += r.usage.totalTokens();
    if (r.cost)
        cost += r.cost->total();
    else if (r.usage.totalTokens() > 0)
        ++unpriced;
}

void UsageTotals::merge(const UsageTotals &o)
{
    requests += o.requests;
    errors += o.errors;
    retries += o.retries;
    cacheHits += o.cacheHits;
    unpriced += o.unpriced;
    promptTokens += o.promptTokens;
    completionTokens += o.completionTokens;
    cachedTokens += o.cachedTokens;
    cacheWriteTokens += o.cacheWriteTokens;
    reasoningTokens += o.reasoningTokens;
    totalTokens += o.totalTokens;
    cost += o.cost;
    durationSumMs += o.durationSumMs;
    ttftCount += o.ttftCount;
    ttftSumMs += o.ttftSumMs;
    upstreamFailures += o.upstreamFailures;
    duration.merge(o.duration);
    ttft.merge(o.ttft);
}
