#pragma once

#include <QLoggingCategory>
#include <QString>
#include <QThread>

#include <functional>

Q_DECLARE_LOGGING_CATEGORY(lcCredentials)

class GLibContextPump;
namespace QKeychain {
class Job;
}

// The OS keychain (QtKeychain: the Secret Service on Linux, Keychain on macOS, Credential Manager on Windows)
// as the one place provider secrets live: one entry per provider id under one service name. Synchronous and
// thread-safe: the jobs run on a thread of its own with an event loop, and callers wait up to a timeout.
class SecretStore final
{
    Q_DISABLE_COPY_MOVE(SecretStore)
public:
    // What became of one keychain call.
    struct Result
    {
        enum class Outcome {
            Done,
            NotFound,    // read or remove of an entry that does not exist
            Unavailable, // no keychain to talk to, or it refused access (locked): use the environment instead
            Failed,      // anything else the keychain reported
        };
        Outcome outcome = Outcome::Failed;
        QString secret; // read
        QString detail; // what the keychain said, for messages

        bool ok() const { return outcome == Outcome::Done; }
    };

    explicit SecretStore(QString service, int timeoutMs = 10'000);
    ~SecretStore();

    QString service() const { return m_service; }
    Result read(const QString &entry);
    Result write(const QString &entry, const QString &secret);
    Result remove(const QString &entry);

private:
    Result run(const std::function<QKeychain::Job *(QObject *parent)> &makeJob);

    QString m_service;
    int m_timeoutMs;
    QThread m_thread;
    QObject *m_threadContext; // lives on m_thread; parent of the jobs
    GLibContextPump *m_pump = nullptr; // made on m_thread
};
