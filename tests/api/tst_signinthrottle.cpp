// The sign-in throttle on its own, on a clock the test steps: the limits per email and per address, the
// sliding window, the wait it reports, and that successes and time clear it.
#include "signinthrottle.h"
#include "testclock.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TestSignInThrottle final : public QObject
{
    Q_OBJECT

private slots:
    void emailLimitAndWindow();
    void emailsAreComparedWithoutCase();
    void successClearsTheEmail();
    void addressLimitAcrossEmails();
};

void TestSignInThrottle::emailLimitAndWindow()
{
    TestClock clock;
    SignInThrottle throttle(clock);
    for (int i = 0; i < SignInThrottle::kMaxPerEmail; ++i) {
        QVERIFY(!throttle.wait(u"a@example.org"_s, u"10.0.0.1"_s));
        throttle.failed(u"a@example.org"_s, u"10.0.0.1"_s);
        clock.advance(1min);
    }
    // The first failure was 5 minutes ago: it leaves the window in 10.
    QCOMPARE(throttle.wait(u"a@example.org"_s, u"10.0.0.2"_s), std::optional<qint64>(600));
    QVERIFY(!throttle.wait(u"b@example.org"_s, u"10.0.0.1"_s));
    clock.advance(10min - 1s);
    QCOMPARE(throttle.wait(u"a@example.org"_s, u"10.0.0.2"_s), std::optional<qint64>(1));
    clock.advance(1s);
    QVERIFY(!throttle.wait(u"a@example.org"_s, u"10.0.0.2"_s)); // four failures left in the window
    throttle.failed(u"a@example.org"_s, u"10.0.0.2"_s);
    QCOMPARE(throttle.wait(u"a@example.org"_s, u"10.0.0.2"_s),
        std::optional<qint64>(60)); // the second leaves next
}

void TestSignInThrottle::emailsAreComparedWithoutCase()
{
    TestClock clock;
    SignInThrottle throttle(clock);
    for (int i = 0; i < SignInThrottle::kMaxPerEmail; ++i)
        throttle.failed(i % 2 ? u"A@Example.org"_s : u" a@example.org"_s, u"10.0.0.%1"_s.arg(i));
    QVERIFY(throttle.wait(u"a@EXAMPLE.org"_s, u"10.0.0.99"_s));
}

void TestSignInThrottle::successClearsTheEmail()
{
    TestClock clock;
    SignInThrottle throttle(clock);
    for (int i = 0; i < SignInThrottle::kMaxPerEmail - 1; ++i)
        throttle.failed(u"a@example.org"_s, u"10.0.0.1"_s);
    throttle.succeeded(u"a@example.org"_s);
    for (int i = 0; i < SignInThrottle::kMaxPerEmail - 1; ++i)
        throttle.failed(u"a@example.org"_s, u"10.0.0.1"_s);
    QVERIFY(!throttle.wait(u"a@example.org"_s, u"10.0.0.1"_s));
}

void TestSignInThrottle::addressLimitAcrossEmails()
{
    TestClock clock;
    SignInThrottle throttle(clock);
    for (int i = 0; i < SignInThrottle::kMaxPerAddress; ++i) {
        QVERIFY(!throttle.wait(u"user%1@example.org"_s.arg(i), u"10.0.0.1"_s));
        throttle.failed(u"user%1@example.org"_s.arg(i), u"10.0.0.1"_s);
    }
    QCOMPARE(throttle.wait(u"new@example.org"_s, u"10.0.0.1"_s), std::optional<qint64>(900));
    QVERIFY(!throttle.wait(u"new@example.org"_s, u"10.0.0.2"_s));
    // Many more addresses and emails than the sweep's interval: old ones are forgotten, the limits still
    // hold.
    for (int i = 0; i < 1000; ++i)
        throttle.failed(u"x%1@example.org"_s.arg(i), u"192.0.2.%1"_s.arg(i));
    clock.advance(15min);
    QVERIFY(!throttle.wait(u"new@example.org"_s, u"10.0.0.1"_s));
}

QTEST_GUILESS_MAIN(TestSignInThrottle)
#include "tst_signinthrottle.moc"
