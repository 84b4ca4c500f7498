// Reading the model catalog from JSON: the built-in resource and users' files, validated strictly.
#include "modelcatalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCatalog, "gateway.catalog")

// Outside any namespace: Q_INIT_RESOURCE declares the generated initialiser at the enclosing scope.
// Needed because gateway_providers is a static library: nothing else references the resource object,
// so without this call a program that links only the library could end up without the catalog.
static void initCatalogResource()
{
    Q_INIT_RESOURCE(model_catalog);
}

namespace {

constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53: larger token counts are not exact in JSON

const QStringList &modelFields()
{
    static const QStringList fields { u"input"_s, u"output"_s, u"cached_input"_s, u"cache_write"_s,
        u"long_context"_s, u"context"_s, u"max_output"_s, u"capabilities"_s, u"aliases"_s, u"retired"_s };
    return fields;
}

const QStringList &tierFields()
{
    static const QStringList fields { u"above"_s, u"input"_s, u"output"_s, u"cached_input"_s,
        u"cache_write"_s };
    return fields;
}

const QStringList &capabilityNames()
{
    static const QStringList names { u"streaming"_s, u"tools"_s, u"vision"_s, u"reasoning"_s,
        u"embeddings"_s };
    return names;
}

// How a JSON value reads in an error message, so the user sees what the file actually says.
QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 12);
    case QJsonValue::String:
        return u'"' + value.toString() + u'"';
    case QJsonValue::Array:
        return u"an array"_s;
    case QJsonValue::Object:
        return u"an object"_s;
    case QJsonValue::Undefined:
        break;
    }
    return u"nothing"_s;
}

bool isPrice(const QJsonValue &value)
{
    return value.isDouble() && std::isfinite(value.toDouble()) && value.toDouble() >= 0;
}

bool isCount(const QJsonValue &value)
{
    const double d = value.toDouble(-1);
    return value.isDouble() && d >= 0 && d <= kMaxExactInteger && std::floor(d) == d;
}

// QJsonObject sorts its keys, but "catalog order" is the order of the file: bare model names resolve
// to the first provider listed. So the key order of every object is recovered from the text itself,
// which QJsonDocument has already accepted as valid JSON. Keys: the object's path joined by '\x1f'.
QHash<QString, QStringList> keyOrder(const QByteArray &json)
{
    struct Frame
    {
        bool object = false;
        bool expectKey = false;
        QString path;
        QString lastKey;
    };
    QHash<QString, QStringList> order;
    QList<Frame> stack;
    const qsizetype n = json.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = json.at(i);
        if (c == '{' || c == '[') {
            Frame frame;
            frame.object = c == '{';
            frame.expectKey = frame.object;
            if (!stack.isEmpty()) {
                const Frame &parent = stack.constLast();
                frame.path = parent.path + QChar(0x1f) + (parent.object ? parent.lastKey : u"[]"_s);
            }
            stack.append(frame);
        } else if (c == '}' || c == ']') {
            if (!stack.isEmpty())
                stack.removeLast();
        } else if (c == ',') {
            if (!stack.isEmpty() && stack.constLast().object)
                stack.last().expectKey = true;
        } else if (c == '"') {
            const qsizetype start = i;
            for (++i; i < n && json.at(i) != '"'; ++i) {
                if (json.at(i) == '\\')
                    ++i;
            }
            if (stack.isEmpty() || !stack.constLast().expectKey)
                continue;
            const QByteArray token = json.mid(start, i - start + 1);
            const QString key = token.contains('\\')
                ? QJsonDocument::fromJson('[' + token + ']').array().at(0).toString()
                : QString::fromUtf8(token.mid(1, token.size() - 2));
            Frame &top = stack.last();
            top.expectKey = false;
            top.lastKey = key;
            order[top.path].append(key);
        }
    }
    return order;
}

// The object's keys in file order; falls back to QJsonObject's order if the scan saw something else.
QStringList orderedKeys(
    const QJsonObject &object, const QHash<QString, QStringList> &order, const QString &path)
{
    QStringList keys = order.value(path);
    keys.removeDuplicates();
    if (keys.size() != object.size()
        || !std::all_of(keys.cbegin(), keys.cend(), [&](const QString &key) { return object.contains(key); }))
        return object.keys();
    return keys;
}

class EntryParser
{
public:
    explicit EntryParser(QString where)
        : m_where(std::move(where))
    { }

    bool fail(const QString &message)
    {
        m_error = m_where + u": "_s + message;
        return false;
    }
    QString error() const { return m_error; }

    bool checkKeys(const QJsonObject &object, const QStringList &known, const QString &prefix)
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!known.contains(it.key()))
                return fail(
                    u"unknown field \"%1%2\" (known: %3)"_s.arg(prefix, it.key(), known.join(u", "_s)));
        }
        return true;
    }

    bool price(const QJsonObject &object, const QString &key, const QString &prefix, double *out)
    {
        const QJsonValue value = object.value(key);
        if (!isPrice(value))
            return fail(u"\"%1%2\" must be a non-negative number of USD per million tokens, not %3"_s.arg(
                prefix, key, describe(value)));
        *out = value.toDouble();
        return true;
    }

    bool optionalPrice(
        const QJsonObject &object, const QString &key, const QString &prefix, std::optional<double> *out)
    {
        if (!object.contains(key))
            return true;
        double value = 0;
        if (!price(object, key, prefix, &value))
            return false;
        *out = value;
        return true;
    }

    bool count(const QJsonObject &object, const QString &key, qint64 *out)
    {
        if (!object.contains(key))
            return true;
        const QJsonValue value = object.value(key);
        if (!isCount(value))
            return fail(u"\"%1\" must be a whole number of tokens, not %2"_s.arg(key, describe(value)));
        *out = qint64(value.toDouble());
        return true;
    }

    bool tier(const QJsonValue &value, ModelPriceTier *out)
    {
        if (!value.isObject())
            return fail(u"\"long_context\" must be an object, not %1"_s.arg(describe(value)));
        const QJsonObject object = value.toObject();
        const QString prefix = u"long_context."_s;
        if (!checkKeys(object, tierFields(), prefix))
            return false;
        const QJsonValue above = object.value(u"above"_s);
        if (!isCount(above) || above.toDouble() < 1)
            return fail(u"\"long_context.above\" must be a positive number of prompt tokens, not %1"_s.arg(
                describe(above)));
        out->above = qint64(above.toDouble());
        return price(object, u"input"_s, prefix, &out->input)
            && price(object, u"output"_s, prefix, &out->output)
            && optionalPrice(object, u"cached_input"_s, prefix, &out->cachedInput)
            && optionalPrice(object, u"cache_write"_s, prefix, &out->cacheWrite);
    }

    bool strings(const QJsonObject &object, const QString &key, QStringList *out)
    {
        if (!object.contains(key))
            return true;
        const QJsonValue value = object.value(key);
        if (!value.isArray())
            return fail(u"\"%1\" must be an array of strings, not %2"_s.arg(key, describe(value)));
        for (const QJsonValue &item : value.toArray()) {
            if (!item.isString() || item.toString().isEmpty())
                return fail(u"\"%1\" must hold non-empty strings, not %2"_s.arg(key, describe(item)));
            out->append(item.toString());
        }
        return true;
    }

    bool model(const QJsonValue &value, ModelInfo *model)
    {
        if (!value.isObject())
            return fail(u"the model entry must be an object, not %1"_s.arg(describe(value)));
        const QJsonObject object = value.toObject();
        if (!checkKeys(object, modelFields(), QString()))
            return false;

        const bool hasInput = object.contains(u"input"_s);
        const bool hasOutput = object.contains(u"output"_s);
        if (hasInput != hasOutput)
            return fail(u"has \"%1\" but no \"%2\"; give both, or neither when the price is unknown"_s.arg(
                hasInput ? u"input"_s : u"output"_s, hasInput ? u"output"_s : u"input"_s));
        if (hasInput) {
            ModelPrice price;
            if (!this->price(object, u"input"_s, {}, &price.input)
                || !this->price(object, u"output"_s, {}, &price.output)
                || !optionalPrice(object, u"cached_input"_s, {}, &price.cachedInput)
                || !optionalPrice(object, u"cache_write"_s, {}, &price.cacheWrite))
                return false;
            if (object.contains(u"long_context"_s)) {
                ModelPriceTier longContext;
                if (!tier(object.value(u"long_context"_s), &longContext))
                    return false;
                price.longContext = longContext;
            }
            model->price = price;
        } else {
            for (const QString &key : { u"cached_input"_s, u"cache_write"_s, u"long_context"_s }) {
                if (object.contains(key))
                    return fail(u"\"%1\" needs \"input\" and \"output\" prices as well"_s.arg(key));
            }
        }

        if (!count(object, u"context"_s, &model->contextTokens)
            || !count(object, u"max_output"_s, &model->maxOutputTokens))
            return false;

        if (object.contains(u"capabilities"_s)) {
            QStringList capabilities;
            if (!strings(object, u"capabilities"_s, &capabilities))
                return false;
            for (const QString &capability : std::as_const(capabilities)) {
                if (!capabilityNames().contains(capability))
                    return fail(u"unknown capability \"%1\" (known: %2)"_s.arg(
                        capability, capabilityNames().join(u", "_s)));
            }
            model->streaming = capabilities.contains(u"streaming"_s);
            model->tools = capabilities.contains(u"tools"_s);
            model->vision = capabilities.contains(u"vision"_s);
            model->reasoning = capabilities.contains(u"reasoning"_s);
            model->embeddings = capabilities.contains(u"embeddings"_s);
        }

        if (!strings(object, u"aliases"_s, &model->aliases))
            return false;
        if (object.contains(u"retired"_s)) {
            const QJsonValue retired = object.value(u"retired"_s);
            if (!retired.isBool())
                return fail(u"\"retired\" must be true or false, not %1"_s.arg(describe(retired)));
            model->retired = retired.toBool();
        }
        return true;
    }

private:
    QString m_where;
    QString m_error;
};

bool setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

ModelCatalog ModelCatalog::builtIn()
{
    initCatalogResource();
    QFile file(u":/catalog/model-catalog.json"_s);
    if (!file.open(QIODevice::ReadOnly)) {
        qCCritical(lcCatalog) << "The built-in model catalog is missing from the program:"
                              << file.errorString();
        return {};
    }
    QString error;
    std::optional<ModelCatalog> catalog = fromJson(file.readAll(), &error);
    if (!catalog) {
        qCCritical(lcCatalog) << "The built-in model catalog is invalid:" << error;
        return {};
    }
    return *std::move(catalog);
}

std::optional<ModelCatalog> ModelCatalog::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        setError(error,
            u"the catalog is not valid JSON: %1 at byte %2"_s.arg(parseError.errorString())
                .arg(parseError.offset));
        return std::nullopt;
    }
    if (!document.isObject()) {
        setError(error, u"the catalog must be a JSON object with a \"providers\" object"_s);
        return std::nullopt;
    }
    const QJsonObject root = document.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() != u"version"_s && it.key() != u"updated"_s && it.key() != u"providers"_s) {
            setError(error,
                u"unknown top-level field \"%1\" (known: version, updated, providers)"_s.arg(it.key()));
            return std::nullopt;
        }
    }
    if (root.contains(u"version"_s) && root.value(u"version"_s) != QJsonValue(1)) {
        setError(error,
            u"\"version\" is %1, but this program reads catalog version 1"_s.arg(
                describe(root.value(u"version"_s))));
        return std::nullopt;
    }
    if (root.contains(u"updated"_s) && !root.value(u"updated"_s).isString()) {
        setError(
            error, u"\"updated\" must be a date string, not %1"_s.arg(describe(root.value(u"updated"_s))));
        return std::nullopt;
    }
    const QJsonValue providersValue = root.value(u"providers"_s);
    if (!providersValue.isObject()) {
        setError(error,
            root.contains(u"providers"_s)
                ? u"\"providers\" must be an object, not %1"_s.arg(describe(providersValue))
                : u"the catalog has no \"providers\" object"_s);
        return std::nullopt;
    }

    const QHash<QString, QStringList> order = keyOrder(json);
    const QString providersPath = QChar(0x1f) + u"providers"_s;
    const QJsonObject providers = providersValue.toObject();

    ModelCatalog catalog;
    catalog.m_updated = root.value(u"updated"_s).toString();
    for (const QString &provider : orderedKeys(providers, order, providersPath)) {
        if (provider.isEmpty() || provider.contains(u'/') || provider.contains(u' ')) {
            setError(error,
                u"provider id \"%1\" must be non-empty and contain neither '/' nor spaces"_s.arg(provider));
            return std::nullopt;
        }
        const QJsonValue providerValue = providers.value(provider);
        const QJsonObject providerObject = providerValue.toObject();
        if (!providerValue.isObject() || !providerObject.value(u"models"_s).isObject()) {
            setError(error, u"provider \"%1\" must be an object with a \"models\" object"_s.arg(provider));
            return std::nullopt;
        }
        if (providerObject.size() != 1) {
            setError(error, u"provider \"%1\" may only hold \"models\""_s.arg(provider));
            return std::nullopt;
        }
        const QJsonObject models = providerObject.value(u"models"_s).toObject();
        const QString modelsPath = providersPath + QChar(0x1f) + provider + QChar(0x1f) + u"models"_s;
        QHash<QString, QString> names; // id or alias -> the id it belongs to, within this provider
        for (const QString &id : orderedKeys(models, order, modelsPath)) {
            const QString where = indexKey(provider, id);
            if (id.isEmpty()) {
                setError(error, u"provider \"%1\" has a model with an empty id"_s.arg(provider));
                return std::nullopt;
            }
            ModelInfo model;
            model.provider = provider;
            model.id = id;
            EntryParser parser(where);
            if (!parser.model(models.value(id), &model)) {
                setError(error, parser.error());
                return std::nullopt;
            }
            for (const QString &name : QStringList { id } + model.aliases) {
                const QString owner = names.value(name);
                if (!owner.isNull() && owner != id) {
                    setError(error,
                        u"%1: \"%2\" is already the id or an alias of %3"_s.arg(
                            where, name, indexKey(provider, owner)));
                    return std::nullopt;
                }
                names.insert(name, id);
            }
            catalog.insert(std::move(model));
        }
    }
    return catalog;
}
