#pragma once

#include "database.h"
#include "member.h"
#include "retentionpolicy.h"
#include "threadconnections.h"

#include <QMutex>

#include <atomic>
#include <optional>

// Settings → Policies, kept in the database's settings table so that every instance sharing it follows the
// same policy. The proxy asks level() on every request (lock-free); instances pick up another instance's
// change at their next refresh().
class PolicyStore final
{
    Q_DISABLE_COPY_MOVE(PolicyStore)
public:
    // `configured` is the policy until the database holds one (config.json's retention_level).
    PolicyStore(DatabaseLocation location, RetentionPolicy configured);

    // Reads the stored policy, if any. False and *error (Busy or Failed) when the database cannot be read or
    // the stored policy is unreadable; the policy in force then stays as it was.
    bool refresh(StoreError *error);

    RetentionLevel level() const { return m_level.load(std::memory_order_relaxed); }
    RetentionPolicy current() const;

    // Stores `next` and its audit entry in one transaction (Busy or Failed otherwise). (Switching to Metadata
    // Only promises that no content is kept: the caller then purges the payloads already stored.)
    bool update(const RetentionPolicy &next, const Actor &actor, const QDateTime &at, StoreError *error);

private:
    ThreadConnections m_connections;
    mutable QMutex m_mutex;
    RetentionPolicy m_policy;
    std::atomic<RetentionLevel> m_level;
};
