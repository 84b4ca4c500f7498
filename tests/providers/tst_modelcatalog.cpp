// The model catalog: the built-in prices, the JSON format and its errors, overrides, aliases, and cost.
#include "modelcatalog.h"

#include <QSet>
#include <QTest>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

QByteArray catalogWith(const QByteArray &provider, const QByteArray &models)
{
    return R"({"version": 1, "providers": {")" + provider + R"(": {"models": {)" + models + "}}}}";
}

ModelCatalog parse(const QByteArray &json)
{
    QString error;
    std::optional<ModelCatalog> catalog = ModelCatalog::fromJson(json, &error);
    if (!catalog)
        qWarning("unexpected catalog error: %s", qPrintable(error));
    return catalog.value_or(ModelCatalog());
}

bool near(double actual, double expected)
{
    return std::abs(actual - expected) <= 1e-12 + 1e-9 * std::abs(expected);
}

} // namespace

class TestModelCatalog : public QObject
{
    Q_OBJECT

private slots:
    void builtInCoversTheProviders();
    void builtInPricesAreSane();
    void builtInKnownPrices_data();
    void builtInKnownPrices();
    void builtInLeavesUnknownPricesUnknown();
    void fromJsonReadsEveryField();
    void fromJsonRejects_data();
    void fromJsonRejects();
    void mergeReplacesAndAdds();
    void aliasesResolve();
    void providersOfFollowsFileOrder();
    void computeCost_data();
    void computeCost();
    void computeCostWithoutModel();
};

void TestModelCatalog::builtInCoversTheProviders()
{
    const ModelCatalog catalog = ModelCatalog::builtIn();
    QVERIFY2(catalog.size() > 50, qPrintable(u"only %1 models"_s.arg(catalog.size())));
    QVERIFY(!catalog.updated().isEmpty());

    QSet<QString> providers;
    for (const ModelInfo &model : catalog.models())
        providers.insert(model.provider);
    const QStringList expected { u"openai"_s, u"anthropic"_s, u"google"_s, u"mistral"_s, u"groq"_s,
        u"deepseek"_s, u"xai"_s, u"openrouter"_s, u"together"_s, u"fireworks"_s, u"cerebras"_s };
    for (const QString &provider : expected)
        QVERIFY2(providers.contains(provider), qPrintable(provider));
    // Local servers report their models at run time; a built-in entry would only go stale.
    QVERIFY(!providers.contains(u"ollama"_s));
    QVERIFY(!providers.contains(u"lmstudio"_s));
}

void TestModelCatalog::builtInPricesAreSane()
{
    const ModelCatalog catalog = ModelCatalog::builtIn();
    int priced = 0;
    for (const ModelInfo &model : catalog.models()) {
        const QString name = model.provider + u'/' + model.id;
        QVERIFY2(
            catalog.find(model.provider, model.id) && catalog.find(model.provider, model.id)->id == model.id,
            qPrintable(name));
        if (model.contextTokens > 0 && model.maxOutputTokens > 0)
            QVERIFY2(model.maxOutputTokens <= model.contextTokens, qPrintable(name));
        if (!model.price)
            continue;
        ++priced;
        const ModelPrice &price = *model.price;
        QVERIFY2(price.input >= 0 && price.output >= 0, qPrintable(name));
        // Per-token prices above $1,000 per million are a misplaced decimal point, not a model.
        QVERIFY2(price.input < 1000 && price.output < 1000, qPrintable(name));
        if (!model.embeddings)
            QVERIFY2(price.output > 0, qPrintable(name + u": a chat model that is free to use is a typo"_s));
        if (price.cachedInput)
            QVERIFY2(
                *price.cachedInput <= price.input, qPrintable(name + u": cache reads dearer than input"_s));
        if (price.cacheWrite)
            QVERIFY2(
                *price.cacheWrite >= price.input, qPrintable(name + u": cache writes cheaper than input"_s));
        if (price.longContext) {
            QVERIFY2(price.longContext->above > 0, qPrintable(name));
            QVERIFY2(price.longContext->input >= price.input && price.longContext->output >= price.output,
                qPrintable(name + u": the long-context tier must not be cheaper"_s));
        }
    }
    QVERIFY(priced > 50);
}

void TestModelCatalog::builtInKnownPrices_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("model");
    QTest::addColumn<double>("input");
    QTest::addColumn<double>("output");
    QTest::addColumn<double>("cachedInput");

    QTest::newRow("gpt-4o-mini") << u"openai"_s << u"gpt-4o-mini"_s << 0.15 << 0.60 << 0.075;
    QTest::newRow("gpt-4o") << u"openai"_s << u"gpt-4o"_s << 2.50 << 10.0 << 1.25;
    QTest::newRow("gpt-4.1") << u"openai"_s << u"gpt-4.1"_s << 2.0 << 8.0 << 0.50;
    QTest::newRow("gpt-5") << u"openai"_s << u"gpt-5"_s << 1.25 << 10.0 << 0.125;
    QTest::newRow("o4-mini") << u"openai"_s << u"o4-mini"_s << 1.10 << 4.40 << 0.275;
    QTest::newRow("sonnet 4.5") << u"anthropic"_s << u"claude-sonnet-4-5"_s << 3.0 << 15.0 << 0.30;
    QTest::newRow("haiku 4.5") << u"anthropic"_s << u"claude-haiku-4-5"_s << 1.0 << 5.0 << 0.10;
    QTest::newRow("opus 4.1") << u"anthropic"_s << u"claude-opus-4-1"_s << 15.0 << 75.0 << 1.50;
    QTest::newRow("gemini 2.5 pro") << u"google"_s << u"gemini-2.5-pro"_s << 1.25 << 10.0 << 0.125;
    QTest::newRow("gemini 2.5 flash") << u"google"_s << u"gemini-2.5-flash"_s << 0.30 << 2.50 << 0.03;
    QTest::newRow("deepseek flash") << u"deepseek"_s << u"deepseek-flash"_s << 0.30 << 1.20 << 0.006;
    QTest::newRow("grok 4") << u"xai"_s << u"grok-4"_s << 3.0 << 15.0 << 0.75;
    QTest::newRow("groq gpt-oss") << u"groq"_s << u"openai/gpt-oss-120b"_s << 0.15 << 0.60 << 0.075;
    QTest::newRow("openrouter route") << u"openrouter"_s << u"openai/gpt-4o-mini"_s << 0.15 << 0.60 << 0.075;
}

void TestModelCatalog::builtInKnownPrices()
{
    QFETCH(QString, provider);
    QFETCH(QString, model);
    QFETCH(double, input);
    QFETCH(double, output);
    QFETCH(double, cachedInput);

    const ModelCatalog catalog = ModelCatalog::builtIn();
    const ModelInfo *info = catalog.find(provider, model);
    QVERIFY(info);
    QVERIFY(info->price);
    QCOMPARE(info->price->input, input);
    QCOMPARE(info->price->output, output);
    QVERIFY(info->price->cachedInput);
    QCOMPARE(*info->price->cachedInput, cachedInput);
}

void TestModelCatalog::builtInLeavesUnknownPricesUnknown()
{
    const ModelCatalog catalog = ModelCatalog::builtIn();
    // OpenRouter's auto router bills whatever model it picked: the catalog cannot know the price.
    const ModelInfo *router = catalog.find(u"openrouter"_s, u"openrouter/auto"_s);
    QVERIFY(router);
    QVERIFY(!router->price);
    TokenUsage usage;
    usage.promptTokens = 100;
    usage.completionTokens = 10;
    QVERIFY(!::computeCost(router, usage));
}

void TestModelCatalog::fromJsonReadsEveryField()
{
    const ModelCatalog catalog = parse(catalogWith("acme", R"(
        "big": {"input": 2, "output": 8, "cached_input": 0.5, "cache_write": 2.5,
                "long_context": {"above": 1000, "input": 4, "output": 12, "cached_input": 1},
                "context": 4096, "max_output": 1024, "capabilities": ["tools", "vision", "reasoning"],
                "aliases": ["big-2026-01-01"], "retired": true},
        "mystery": {},
        "embed": {"input": 0.1, "output": 0, "capabilities": ["embeddings"]})"));
    QCOMPARE(catalog.size(), 3);

    const ModelInfo *big = catalog.find(u"acme"_s, u"big"_s);
    QVERIFY(big);
    QCOMPARE(big->provider, u"acme"_s);
    QVERIFY(big->price);
    QCOMPARE(big->price->input, 2.0);
    QCOMPARE(big->price->output, 8.0);
    QCOMPARE(big->price->cachedInput, std::optional<double>(0.5));
    QCOMPARE(big->price->cacheWrite, std::optional<double>(2.5));
    QVERIFY(big->price->longContext);
    QCOMPARE(big->price->longContext->above, 1000);
    QCOMPARE(big->price->longContext->input, 4.0);
    QCOMPARE(big->price->longContext->output, 12.0);
    QCOMPARE(big->price->longContext->cachedInput, std::optional<double>(1.0));
    QVERIFY(!big->price->longContext->cacheWrite);
    QCOMPARE(big->contextTokens, 4096);
    QCOMPARE(big->maxOutputTokens, 1024);
    QVERIFY(!big->streaming); // capabilities given without "streaming"
    QVERIFY(big->tools && big->vision && big->reasoning && !big->embeddings);
    QVERIFY(big->retired);
    QCOMPARE(big->aliases, QStringList { u"big-2026-01-01"_s });

    const ModelInfo *mystery = catalog.find(u"acme"_s, u"mystery"_s);
    QVERIFY(mystery);
    QVERIFY(!mystery->price); // no price given: unknown, not free
    QVERIFY(mystery->streaming && !mystery->tools && !mystery->retired);

    const ModelInfo *embed = catalog.find(u"acme"_s, u"embed"_s);
    QVERIFY(embed && embed->embeddings && !embed->streaming);
    QCOMPARE(embed->price->output, 0.0);
}

void TestModelCatalog::fromJsonRejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("fragment");

    QTest::newRow("not json") << QByteArray("{\"providers\": {") << u"not valid JSON"_s;
    QTest::newRow("array root") << QByteArray("[]") << u"must be a JSON object"_s;
    QTest::newRow("no providers") << QByteArray("{\"version\": 1}") << u"has no \"providers\" object"_s;
    QTest::newRow("providers array") << QByteArray("{\"providers\": []}")
                                     << u"\"providers\" must be an object, not an array"_s;
    QTest::newRow("version 2") << QByteArray("{\"version\": 2, \"providers\": {}}")
                               << u"reads catalog version 1"_s;
    QTest::newRow("comment key") << QByteArray("{\"_comment\": \"x\", \"providers\": {}}")
                                 << u"unknown top-level field \"_comment\""_s;
    QTest::newRow("provider without models")
        << QByteArray("{\"providers\": {\"openai\": {}}}")
        << u"provider \"openai\" must be an object with a \"models\" object"_s;
    QTest::newRow("provider id with slash")
        << QByteArray("{\"providers\": {\"a/b\": {\"models\": {}}}}") << u"provider id \"a/b\""_s;
    QTest::newRow("negative input")
        << catalogWith("openai", R"("m": {"input": -1, "output": 1})")
        << u"openai/m: \"input\" must be a non-negative number of USD per million tokens, not -1"_s;
    QTest::newRow("string price")
        << catalogWith("openai", R"("m": {"input": "cheap", "output": 1})")
        << u"openai/m: \"input\" must be a non-negative number of USD per million tokens, not \"cheap\""_s;
    QTest::newRow("null output")
        << catalogWith("openai", R"("m": {"input": 1, "output": null})")
        << u"openai/m: \"output\" must be a non-negative number of USD per million tokens, not null"_s;
    QTest::newRow("input only") << catalogWith("mistral", R"("m": {"input": 1})")
                                << u"mistral/m: has \"input\" but no \"output\""_s;
    QTest::newRow("cached without price") << catalogWith("openai", R"("m": {"cached_input": 0.1})")
                                          << u"openai/m: \"cached_input\" needs \"input\" and \"output\""_s;
    QTest::newRow("negative cache write")
        << catalogWith("anthropic", R"("m": {"input": 1, "output": 2, "cache_write": -3})")
        << u"anthropic/m: \"cache_write\" must be a non-negative number"_s;
    QTest::newRow("typo") << catalogWith("openai", R"("m": {"inptu": 1})")
                          << u"openai/m: unknown field \"inptu\""_s;
    QTest::newRow("fractional context") << catalogWith("openai",
        R"("m": {"context": 1.5})") << u"openai/m: \"context\" must be a whole number of tokens, not 1.5"_s;
    QTest::newRow("unknown capability") << catalogWith("openai", R"("m": {"capabilities": ["telepathy"]})")
                                        << u"openai/m: unknown capability \"telepathy\""_s;
    QTest::newRow("aliases not array") << catalogWith("openai", R"("m": {"aliases": "m2"})")
                                       << u"openai/m: \"aliases\" must be an array of strings"_s;
    QTest::newRow("alias taken") << catalogWith("openai", R"("a": {}, "b": {"aliases": ["a"]})")
                                 << u"openai/b: \"a\" is already the id or an alias of openai/a"_s;
    QTest::newRow("tier threshold") << catalogWith(
        "google", R"("m": {"input": 1, "output": 2, "long_context": {"above": 0, "input": 2, "output": 4}})")
                                    << u"google/m: \"long_context.above\" must be a positive number"_s;
    QTest::newRow("tier without output")
        << catalogWith(
               "google", R"("m": {"input": 1, "output": 2, "long_context": {"above": 9, "input": 2}})")
        << u"google/m: \"long_context.output\" must be a non-negative number"_s;
    QTest::newRow("retired yes") << catalogWith("groq", R"("m": {"retired": "yes"})")
                                 << u"groq/m: \"retired\" must be true or false, not \"yes\""_s;
    QTest::newRow("entry not object")
        << catalogWith("openai", R"("m": 5)") << u"openai/m: the model entry must be an object, not 5"_s;
    QTest::newRow("empty id") << catalogWith("openai", R"("": {})")
                              << u"provider \"openai\" has a model with an empty id"_s;
}

void TestModelCatalog::fromJsonRejects()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, fragment);

    QString error;
    const std::optional<ModelCatalog> catalog = ModelCatalog::fromJson(json, &error);
    QVERIFY(!catalog);
    QVERIFY2(error.contains(fragment), qPrintable(u"error was: "_s + error));
}

void TestModelCatalog::mergeReplacesAndAdds()
{
    ModelCatalog catalog = ModelCatalog::builtIn();
    const qsizetype before = catalog.size();
    const ModelCatalog user = parse(R"({"providers": {
        "openai": {"models": {"gpt-4o-mini": {"input": 0.1, "output": 0.4}}},
        "ollama": {"models": {"llama3.2": {"input": 0, "output": 0}}}}})");
    catalog.merge(user);

    QCOMPARE(catalog.size(), before + 1);
    const ModelInfo *mini = catalog.find(u"openai"_s, u"gpt-4o-mini"_s);
    QVERIFY(mini && mini->price);
    QCOMPARE(mini->price->input, 0.1);
    QCOMPARE(mini->price->output, 0.4);
    QVERIFY(!mini->price->cachedInput); // replaced whole, not field by field
    // The replaced entry's old dated alias went with it.
    QVERIFY(!catalog.find(u"openai"_s, u"gpt-4o-mini-2024-07-18"_s));
    QVERIFY(catalog.find(u"ollama"_s, u"llama3.2"_s));
    QCOMPARE(catalog.providersOf(u"llama3.2"_s), QStringList { u"ollama"_s });
    // Untouched entries still resolve after the index was rebuilt.
    QVERIFY(catalog.find(u"anthropic"_s, u"claude-sonnet-4-5-20250929"_s));
}

void TestModelCatalog::aliasesResolve()
{
    const ModelCatalog catalog = ModelCatalog::builtIn();
    const ModelInfo *dated = catalog.find(u"anthropic"_s, u"claude-sonnet-4-5-20250929"_s);
    QVERIFY(dated);
    QCOMPARE(dated->id, u"claude-sonnet-4-5"_s);
    QCOMPARE(dated, catalog.find(u"anthropic"_s, u"claude-sonnet-4-5"_s));
    QCOMPARE(catalog.providersOf(u"claude-haiku-4-5-20251001"_s), QStringList { u"anthropic"_s });
    QVERIFY(!catalog.find(u"openai"_s, u"claude-sonnet-4-5-20250929"_s)); // aliases belong to their provider
    QVERIFY(!catalog.find(u"openai"_s, u"gpt-9000"_s));

    // An id wins over another model's alias of the same name, whatever the order of insertion.
    ModelCatalog custom = parse(catalogWith("acme", R"("old": {"aliases": ["shared"]})"));
    ModelInfo shared;
    shared.provider = u"acme"_s;
    shared.id = u"shared"_s;
    custom.insert(shared);
    QCOMPARE(custom.find(u"acme"_s, u"shared"_s)->id, u"shared"_s);
}

void TestModelCatalog::providersOfFollowsFileOrder()
{
    // Reverse alphabetical on purpose: JSON objects are unordered to QJsonObject, the file is not.
    const ModelCatalog catalog = parse(R"({"providers": {
        "zeta": {"models": {"shared-model": {}}},
        "alpha": {"models": {"other": {"aliases": ["shared-model"]}}},
        "mid": {"models": {"shared-model": {}}}}})");
    QCOMPARE(catalog.providersOf(u"shared-model"_s), (QStringList { u"zeta"_s, u"alpha"_s, u"mid"_s }));
    QCOMPARE(catalog.models().first().provider, u"zeta"_s);
    QVERIFY(catalog.providersOf(u"nothing"_s).isEmpty());

    const ModelCatalog builtIn = ModelCatalog::builtIn();
    QCOMPARE(builtIn.providersOf(u"openai/gpt-oss-120b"_s), (QStringList { u"groq"_s, u"together"_s }));
    QCOMPARE(builtIn.models().first().provider, u"openai"_s);
}

void TestModelCatalog::computeCost_data()
{
    QTest::addColumn<QByteArray>("entry");
    QTest::addColumn<qint64>("prompt");
    QTest::addColumn<qint64>("completion");
    QTest::addColumn<qint64>("cached");
    QTest::addColumn<qint64>("written");
    QTest::addColumn<qint64>("reasoning");
    QTest::addColumn<bool>("priced");
    QTest::addColumn<double>("input");
    QTest::addColumn<double>("cachedInput");
    QTest::addColumn<double>("cacheWrite");
    QTest::addColumn<double>("output");

    const QByteArray mini = R"({"input": 0.15, "output": 0.6, "cached_input": 0.075})";
    const QByteArray sonnet = R"({"input": 3, "output": 15, "cached_input": 0.3, "cache_write": 3.75})";
    const QByteArray tiered = R"({"input": 1.25, "output": 10, "cached_input": 0.125,
                                  "long_context": {"above": 200000, "input": 2.5, "output": 15, "cached_input": 0.25}})";

    QTest::newRow("plain") << mini << 1000LL << 500LL << 0LL << 0LL << 0LL << true << 1000 * 0.15e-6 << 0.0
                           << 0.0 << 500 * 0.6e-6;
    QTest::newRow("cached") << mini << 1000LL << 500LL << 400LL << 0LL << 0LL << true << 600 * 0.15e-6
                            << 400 * 0.075e-6 << 0.0 << 500 * 0.6e-6;
    QTest::newRow("cache write") << sonnet << 10000LL << 100LL << 2000LL << 3000LL << 0LL << true
                                 << 5000 * 3e-6 << 2000 * 0.3e-6 << 3000 * 3.75e-6 << 100 * 15e-6;
    QTest::newRow("no cached price: billed as input")
        << QByteArray(R"({"input": 2, "output": 8})") << 1000LL << 0LL << 400LL << 100LL << 0LL << true
        << 500 * 2e-6 << 400 * 2e-6 << 100 * 2e-6 << 0.0;
    QTest::newRow("reasoning is inside completion") << mini << 100LL << 1000LL << 0LL << 0LL << 800LL << true
                                                    << 100 * 0.15e-6 << 0.0 << 0.0 << 1000 * 0.6e-6;
    QTest::newRow("at the tier line") << tiered << 200000LL << 10LL << 0LL << 0LL << 0LL << true
                                      << 200000 * 1.25e-6 << 0.0 << 0.0 << 10 * 10e-6;
    QTest::newRow("past the tier line") << tiered << 300000LL << 10LL << 100000LL << 0LL << 0LL << true
                                        << 200000 * 2.5e-6 << 100000 * 0.25e-6 << 0.0 << 10 * 15e-6;
    QTest::newRow("cached beyond prompt clamps") << mini << 100LL << 10LL << 300LL << 0LL << 0LL << true
                                                 << 0.0 << 300 * 0.075e-6 << 0.0 << 10 * 0.6e-6;
    QTest::newRow("negative counts clamp")
        << mini << -5LL << -1LL << 0LL << 0LL << 0LL << true << 0.0 << 0.0 << 0.0 << 0.0;
    QTest::newRow("local model is free, not unknown")
        << QByteArray(R"({"input": 0, "output": 0})") << 5000LL << 700LL << 0LL << 0LL << 0LL << true << 0.0
        << 0.0 << 0.0 << 0.0;
    QTest::newRow("unknown price") << QByteArray("{}") << 5000LL << 700LL << 0LL << 0LL << 0LL << false << 0.0
                                   << 0.0 << 0.0 << 0.0;
}

void TestModelCatalog::computeCost()
{
    QFETCH(QByteArray, entry);
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    QFETCH(qint64, cached);
    QFETCH(qint64, written);
    QFETCH(qint64, reasoning);
    QFETCH(bool, priced);
    QFETCH(double, input);
    QFETCH(double, cachedInput);
    QFETCH(double, cacheWrite);
    QFETCH(double, output);

    const ModelCatalog catalog = parse(catalogWith("p", "\"m\": " + entry));
    const ModelInfo *model = catalog.find(u"p"_s, u"m"_s);
    QVERIFY(model);

    TokenUsage usage;
    usage.promptTokens = prompt;
    usage.completionTokens = completion;
    usage.cachedTokens = cached;
    usage.cacheWriteTokens = written;
    usage.reasoningTokens = reasoning;
    usage.known = true;

    const std::optional<Cost> cost = ::computeCost(model, usage);
    QCOMPARE(cost.has_value(), priced);
    if (!priced)
        return;
    QVERIFY2(near(cost->input, input), qPrintable(QString::number(cost->input, 'g', 17)));
    QVERIFY2(near(cost->cachedInput, cachedInput), qPrintable(QString::number(cost->cachedInput, 'g', 17)));
    QVERIFY2(near(cost->cacheWrite, cacheWrite), qPrintable(QString::number(cost->cacheWrite, 'g', 17)));
    QVERIFY2(near(cost->output, output), qPrintable(QString::number(cost->output, 'g', 17)));
    QVERIFY2(near(cost->total(), input + cachedInput + cacheWrite + output), "total");
    QVERIFY(cost->input >= 0 && cost->cachedInput >= 0 && cost->cacheWrite >= 0 && cost->output >= 0);
}

void TestModelCatalog::computeCostWithoutModel()
{
    TokenUsage usage;
    usage.promptTokens = 10;
    QVERIFY(!::computeCost(nullptr, usage));
}

QTEST_GUILESS_MAIN(TestModelCatalog)
#include "tst_modelcatalog.moc"
