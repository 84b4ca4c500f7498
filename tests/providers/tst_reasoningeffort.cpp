// ReasoningEffort: OpenAI's reasoning_effort levels ↔ the Anthropic and Gemini thinking budgets.
#include "reasoningeffort.h"

#include <QTest>

using namespace Qt::StringLiterals;
using ReasoningEffort::Family;

class TestReasoningEffort final : public QObject
{
    Q_OBJECT

private slots:
    void budgetForEachLevel_data()
    {
        QTest::addColumn<Family>("family");
        QTest::addColumn<QString>("effort");
        QTest::addColumn<qint64>("budget");
        QTest::newRow("anthropic none") << Family::Anthropic << u"none"_s << qint64(0);
        QTest::newRow("anthropic minimal") << Family::Anthropic << u"minimal"_s << qint64(1024);
        QTest::newRow("anthropic low") << Family::Anthropic << u"low"_s << qint64(1024);
        QTest::newRow("anthropic medium") << Family::Anthropic << u"medium"_s << qint64(4096);
        QTest::newRow("anthropic high") << Family::Anthropic << u"high"_s << qint64(16384);
        QTest::newRow("gemini none") << Family::Gemini << u"none"_s << qint64(0);
        QTest::newRow("gemini minimal") << Family::Gemini << u"minimal"_s << qint64(1024);
        QTest::newRow("gemini low") << Family::Gemini << u"low"_s << qint64(1024);
        QTest::newRow("gemini medium") << Family::Gemini << u"medium"_s << qint64(8192);
        QTest::newRow("gemini high") << Family::Gemini << u"high"_s << qint64(24576);
    }
    void budgetForEachLevel()
    {
        QFETCH(Family, family);
        QFETCH(QString, effort);
        QFETCH(qint64, budget);
        QCOMPARE(ReasoningEffort::thinkingBudget(family, effort), std::optional<qint64>(budget));
    }

    void unknownLevelHasNoBudget()
    {
        for (const QString &effort : { u"max"_s, u"HIGH"_s, QString() }) {
            QVERIFY(!ReasoningEffort::thinkingBudget(Family::Anthropic, effort));
            QVERIFY(!ReasoningEffort::thinkingBudget(Family::Gemini, effort));
        }
    }

    // A level survives the trip to a budget and back, in each family: what a client asked for is what the
    // other side of the gateway reads.
    void levelRoundTrips()
    {
        for (const Family family : { Family::Anthropic, Family::Gemini }) {
            for (const QString &effort : { u"low"_s, u"medium"_s, u"high"_s }) {
                const auto budget = ReasoningEffort::thinkingBudget(family, effort);
                QVERIFY(budget);
                QCOMPARE(ReasoningEffort::effortFor(family, *budget), effort);
            }
        }
    }

    // The boundaries between levels lie at the geometric mean of their budgets.
    void levelForBudget_data()
    {
        QTest::addColumn<Family>("family");
        QTest::addColumn<qint64>("budget");
        QTest::addColumn<QString>("effort"); // empty: no level
        QTest::newRow("anthropic 0") << Family::Anthropic << qint64(0) << QString();
        QTest::newRow("anthropic 1") << Family::Anthropic << qint64(1) << u"low"_s;
        QTest::newRow("anthropic 2048") << Family::Anthropic << qint64(2048) << u"low"_s;
        QTest::newRow("anthropic 2049") << Family::Anthropic << qint64(2049) << u"medium"_s;
        QTest::newRow("anthropic 8192") << Family::Anthropic << qint64(8192) << u"medium"_s;
        QTest::newRow("anthropic 8193") << Family::Anthropic << qint64(8193) << u"high"_s;
        QTest::newRow("anthropic huge") << Family::Anthropic << (qint64(1) << 40) << u"high"_s;
        QTest::newRow("gemini dynamic") << Family::Gemini << qint64(-1) << QString();
        QTest::newRow("gemini 2896") << Family::Gemini << qint64(2896) << u"low"_s;
        QTest::newRow("gemini 2897") << Family::Gemini << qint64(2897) << u"medium"_s;
        QTest::newRow("gemini 14188") << Family::Gemini << qint64(14188) << u"medium"_s;
        QTest::newRow("gemini 14189") << Family::Gemini << qint64(14189) << u"high"_s;
    }
    void levelForBudget()
    {
        QFETCH(Family, family);
        QFETCH(qint64, budget);
        QFETCH(QString, effort);
        QCOMPARE(ReasoningEffort::effortFor(family, budget), effort);
    }
};

QTEST_GUILESS_MAIN(TestReasoningEffort)
#include "tst_reasoningeffort.moc"
