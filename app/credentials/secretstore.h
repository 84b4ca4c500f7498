#pragma once

#include <QLoggingCategory>
#include <QString>
#include <functional>

Q_DECLARE_LOGGING_CATEGORY(lcCredentials)

namespace QKeychain {
class Job;
}

// The OS keychain (QtKeychain: the Secret Service on Linux, Keychain on macOS, Credential Manager on Windows)
// as the one place provider secrets live: one entry per provider id under one service name. Synchronous and
// thread-safe: the jobs run on the process's keychain thread, which has an event loop, and callers wait up to
// a timeout (a keychain that does not answer in time counts as unavailable).
class SecretStore final
{
    Q_DISABLE_COPY_MOVE(SecretStore)
public:
    // What became of one keychain call.
    struct Result
    {
        enum class Outcome {
            Done,
            NotFound, // read or remove of an entry that does not exist
            Unavailable, // no keychain to talk to, or it refused access (locked): use the environment instead
            Failed, // anything else the keychain reported
        };
        Outcome outcome = Outcome::Failed;
        QString secret; // read
        QString detail; // what the keychain said, for messages
        bool locked = false; // Unavailable because the keychain refused access (a locked keyring)

        bool ok() const { return outcome == Outcome::Done; }
        // For Unavailable: why the keychain cannot keep a secret, and what to do instead, naming the
        // environment variable (`keyVariable`) that gives the gateway the key without a keychain.
        QString whatToDo(const QString &keyVariable) const;
    };

    explicit SecretStore(QString service, int timeoutMs = 10'000);

    QString service() const { return m_service; }
    Result read(const QString &entry);
    Result write(const QString &entry, const QString &secret);
    Result remove(const QString &entry);

private:
    // `makeJob` runs on the keychain thread; it must not use this object, which may be gone by then.
    Result run(std::function<QKeychain::Job *(QObject *parent)> makeJob);

    QString m_service;
    int m_timeoutMs;
};
