// JSON Schema → the OpenAPI 3.0 subset of Gemini's `Schema` message.
#include "geminiadapter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace GeminiAdapter {
namespace {

// Keywords copied as they are; everything else is either translated below or dropped.
const QSet<QString> &copiedKeywords()
{
    static const QSet<QString> keywords {
        u"title"_s,
        u"description"_s,
        u"nullable"_s,
        u"minItems"_s,
        u"maxItems"_s,
        u"minLength"_s,
        u"maxLength"_s,
        u"pattern"_s,
        u"minProperties"_s,
        u"maxProperties"_s,
        u"minimum"_s,
        u"maximum"_s,
        u"example"_s,
        u"default"_s,
        u"propertyOrdering"_s,
    };
    return keywords;
}

// Gemini accepts `format` only for these types and values, and rejects the request otherwise.
bool formatAllowed(const QString &type, const QString &format)
{
    if (type == "STRING"_L1)
        return format == "enum"_L1 || format == "date-time"_L1;
    if (type == "NUMBER"_L1)
        return format == "float"_L1 || format == "double"_L1;
    if (type == "INTEGER"_L1)
        return format == "int32"_L1 || format == "int64"_L1;
    return false;
}

QString enumString(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isDouble()) {
        const double number = value.toDouble();
        return number == double(qint64(number)) ? QString::number(qint64(number)) : QString::number(number);
    }
    return QString::fromUtf8(
        QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact).chopped(1).mid(1));
}

class Reducer
{
public:
    explicit Reducer(const QJsonObject &root)
    {
        for (const auto key : { "$defs"_L1, "definitions"_L1 }) {
            const QJsonObject defs = root.value(key).toObject();
            for (auto it = defs.begin(); it != defs.end(); ++it)
                m_definitions.insert(u"#/"_s + key + u'/' + it.key(), it.value().toObject());
        }
    }

    // An empty result means "leave this schema out" (a cyclic $ref that cannot be inlined, or past the
    // limits).
    QJsonObject reduce(QJsonObject schema)
    {
        // Clients send these schemas: refs that fan out must not make the gateway build a huge request or
        // recurse without end.
        if (m_depth >= maxDepth || m_budget <= 0) {
            m_exceeded = true;
            return {};
        }
        --m_budget;
        QStringList entered;
        if (!resolve(&schema, &entered)) {
            releaseRefs(entered);
            return {};
        }
        ++m_depth;
        QJsonObject out = reduceResolved(schema);
        --m_depth;
        releaseRefs(entered);
        return out;
    }

    static constexpr int maxDepth = 48;

private:
    void releaseRefs(const QStringList &refs)
    {
        for (const auto &ref : refs)
            m_resolving.remove(ref);
    }

    QJsonObject reduceResolved(const QJsonObject &schema)
    {
        QJsonObject out;
        for (auto it = schema.begin(); it != schema.end(); ++it) {
            if (copiedKeywords().contains(it.key()))
                out.insert(it.key(), it.value());
        }
        if (!schema.value("examples"_L1).toArray().isEmpty() && !out.contains("example"_L1))
            out.insert("example"_L1, schema.value("examples"_L1).toArray().at(0));

        // Types: a list of types with "null" becomes `nullable`; several others become anyOf.
        const QJsonValue type = schema.value("type"_L1);
        QStringList types;
        if (type.isString())
            types.append(type.toString());
        for (const auto &entry : type.toArray())
            types.append(entry.toString());
        if (types.removeAll(u"null"_s) > 0)
            out.insert("nullable"_L1, true);
        if (types.size() == 1)
            out.insert("type"_L1, types.first().toUpper());

        QJsonArray alternatives = schema.value("anyOf"_L1).toArray();
        for (const auto &each : schema.value("oneOf"_L1).toArray())
            alternatives.append(each);
        if (!alternatives.isEmpty())
            reduceAlternatives(alternatives, &out);

        QJsonArray values;
        if (schema.contains("const"_L1))
            values.append(schema.value("const"_L1));
        for (const auto &each : schema.value("enum"_L1).toArray())
            values.append(each);
        if (!values.isEmpty()) {
            QJsonArray strings;
            for (const auto &value : std::as_const(values)) {
                if (value.isNull())
                    out.insert("nullable"_L1, true);
                else
                    strings.append(enumString(value));
            }
            out.insert("enum"_L1, strings);
            if (!out.contains("type"_L1))
                out.insert("type"_L1, u"STRING"_s);
            else if (out.value("type"_L1).toString() != "STRING"_L1)
                out.insert("format"_L1, u"enum"_s); // Gemini's way of writing a non-string enum
        }

        if (schema.value("properties"_L1).isObject()) {
            QJsonObject properties;
            const QJsonObject in = schema.value("properties"_L1).toObject();
            for (auto it = in.begin(); it != in.end(); ++it) {
                const QJsonObject reduced = reduce(it.value().toObject());
                if (!reduced.isEmpty() || it.value().toObject().isEmpty())
                    properties.insert(it.key(), reduced);
            }
            out.insert("properties"_L1, properties);
            if (!out.contains("type"_L1) && !out.contains("anyOf"_L1) && types.size() <= 1)
                out.insert("type"_L1, u"OBJECT"_s);
            QJsonArray required;
            for (const auto &name : schema.value("required"_L1).toArray()) {
                if (properties.contains(name.toString()))
                    required.append(name);
            }
            if (!required.isEmpty())
                out.insert("required"_L1, required);
        }

        const QJsonValue items = schema.value("items"_L1);
        if (items.isObject()) {
            const QJsonObject reduced = reduce(items.toObject());
            if (!reduced.isEmpty())
                out.insert("items"_L1, reduced);
        } else if (items.isArray() && !items.toArray().isEmpty()) { // a tuple: Gemini knows one item schema
            const QJsonObject reduced = reduce(items.toArray().first().toObject());
            if (!reduced.isEmpty())
                out.insert("items"_L1, reduced);
        }
        // Gemini requires items on arrays; a list of strings is the likeliest reading of an open one.
        if ((out.value("type"_L1).toString() == "ARRAY"_L1 || types.contains("array"_L1))
            && !out.contains("items"_L1))
            out.insert("items"_L1, QJsonObject { { "type"_L1, u"STRING"_s } });
        if (types.size() > 1)
            splitTypes(types, &out);

        const QString format = schema.value("format"_L1).toString();
        if (!format.isEmpty() && !out.contains("format"_L1)
            && formatAllowed(out.value("type"_L1).toString(), format))
            out.insert("format"_L1, format);
        return out;
    }

    // Inlines $ref and merges allOf into the schema itself. The refs inlined stay in m_resolving (and are
    // listed in *entered) until the caller has reduced the schema's children, so a ref within its own
    // subtree is a cycle. False for a cycle or an unknown ref.
    bool resolve(QJsonObject *schema, QStringList *entered)
    {
        const QString ref = schema->value("$ref"_L1).toString();
        if (!ref.isEmpty()) {
            if (m_resolving.contains(ref) || !m_definitions.contains(ref))
                return false;
            m_resolving.insert(ref);
            entered->append(ref);
            QJsonObject target = m_definitions.value(ref);
            if (!resolve(&target, entered))
                return false;
            schema->remove("$ref"_L1);
            for (auto it = target.begin(); it != target.end(); ++it) {
                if (!schema->contains(it.key()))
                    schema->insert(it.key(), it.value()); // the referring schema's own keywords win
            }
        }
        const QJsonArray allOf = schema->take("allOf"_L1).toArray();
        for (const auto &each : allOf) {
            QJsonObject part = each.toObject();
            if (!resolve(&part, entered))
                continue;
            for (auto it = part.begin(); it != part.end(); ++it) {
                if (it.key() == "properties"_L1 || it.key() == "required"_L1)
                    continue;
                if (!schema->contains(it.key()))
                    schema->insert(it.key(), it.value());
            }
            QJsonObject properties = schema->value("properties"_L1).toObject();
            const QJsonObject more = part.value("properties"_L1).toObject();
            for (auto it = more.begin(); it != more.end(); ++it)
                properties.insert(it.key(), it.value());
            if (!properties.isEmpty())
                schema->insert("properties"_L1, properties);
            QJsonArray required = schema->value("required"_L1).toArray();
            for (const auto &name : part.value("required"_L1).toArray())
                required.append(name);
            if (!required.isEmpty())
                schema->insert("required"_L1, required);
        }
        return true;
    }

    // Several types become anyOf, with properties in the OBJECT branch and items in the ARRAY one, since
    // Gemini allows them nowhere else.
    static void splitTypes(const QStringList &types, QJsonObject *out)
    {
        QJsonArray anyOf;
        for (const auto &each : types) {
            QJsonObject branch { { "type"_L1, each.toUpper() } };
            const QStringList moved = each == "object"_L1 ? QStringList { u"properties"_s, u"required"_s }
                : each == "array"_L1                      ? QStringList { u"items"_s }
                                                          : QStringList {};
            for (const auto &key : moved) {
                if (out->contains(key))
                    branch.insert(key, out->value(key));
            }
            anyOf.append(branch);
        }
        for (const auto &key : { u"properties"_s, u"required"_s, u"items"_s })
            out->remove(key);
        out->insert("anyOf"_L1, anyOf);
    }

    // anyOf/oneOf: null branches become `nullable`; a single remaining branch is merged into the schema.
    void reduceAlternatives(const QJsonArray &alternatives, QJsonObject *out)
    {
        QJsonArray reduced;
        for (const auto &each : alternatives) {
            const QJsonObject branch = each.toObject();
            if (branch.value("type"_L1).toString() == "null"_L1) {
                out->insert("nullable"_L1, true);
                continue;
            }
            const QJsonObject result = reduce(branch);
            if (!result.isEmpty())
                reduced.append(result);
        }
        if (reduced.size() == 1) {
            const QJsonObject only = reduced.first().toObject();
            for (auto it = only.begin(); it != only.end(); ++it) {
                if (!out->contains(it.key()))
                    out->insert(it.key(), it.value());
            }
        } else if (!reduced.isEmpty()) {
            out->insert("anyOf"_L1, reduced);
        }
    }

    QHash<QString, QJsonObject> m_definitions; // "#/$defs/Name" → schema
    QSet<QString> m_resolving;
    int m_depth = 0;
    int m_budget = maxSchemas;

public:
    static constexpr int maxSchemas = 5000; // schemas reduced in all
    bool m_exceeded = false;
};

} // namespace

std::optional<QJsonObject> toGeminiSchema(const QJsonObject &jsonSchema, QString *error)
{
    if (jsonSchema.isEmpty())
        return QJsonObject();
    Reducer reducer(jsonSchema);
    QJsonObject schema = reducer.reduce(jsonSchema);
    if (reducer.m_exceeded) {
        *error = u"the schema nests deeper than %1 levels or, with its $refs inlined (Gemini takes no $ref), "
                 "holds more than %2 schemas"_s.arg(Reducer::maxDepth)
                     .arg(Reducer::maxSchemas);
        return std::nullopt;
    }
    return schema;
}

} // namespace GeminiAdapter
