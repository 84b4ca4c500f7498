#include "livefollower.h"

#include "apiclient.h"

using namespace Qt::StringLiterals;

namespace {

constexpr int kDefaultIntervalMs = 2000;

// The minutes that saw requests. The status lists the last minutes with empty ones as zeros, so the list
// itself moves every minute; only a count that moved means there is something new to show.
QList<StatusInfo::Minute> busyMinutes(const QList<StatusInfo::Minute> &minutes)
{
    QList<StatusInfo::Minute> busy;
    for (const StatusInfo::Minute &minute : minutes) {
        if (minute.requests > 0 || minute.errors > 0)
            busy.append(minute);
    }
    return busy;
}

} // namespace

LiveFollower::LiveFollower(ApiClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    // Its own view: two followers (two pages) on one client must not replace each other's polls.
    , m_view(u"live-follower-%1"_s.arg(quintptr(this), 0, 16))
{
    m_timer.setInterval(kDefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LiveFollower::poll);
}

void LiveFollower::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (active) {
        m_timer.start();
        poll();
    } else {
        m_timer.stop();
        m_client->cancel(m_view);
    }
}

void LiveFollower::poll()
{
    // A slow gateway: the poll in flight is still the freshest question; do not stack another behind it.
    if (m_client->isLoading(m_view))
        return;
    m_client->status(m_view, this, [this](const ApiResult<StatusInfo> &result) { received(result); });
}

void LiveFollower::received(const ApiResult<StatusInfo> &result)
{
    if (!result) {
        emit failed(result.error);
        return;
    }
    const bool moved = m_last
        && (m_last->latestRecordId != result->latestRecordId
            || busyMinutes(m_last->requestsPerMinute) != busyMinutes(result->requestsPerMinute));
    m_last = *result.value;
    emit statusReceived(*m_last);
    if (moved)
        emit changed();
}
