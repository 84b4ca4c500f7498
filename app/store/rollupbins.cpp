#include "rollupbins.h"

#include "usagetotals.h"

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace {

QByteArrayView argumentBytes(sqlite3_value *value)
{
    const auto *bytes = static_cast<const char *>(sqlite3_value_blob(value)); // NULL, '' and X'' are empty
    return QByteArrayView(bytes, bytes ? sqlite3_value_bytes(value) : 0);
}

bool addArgument(sqlite3_context *context, sqlite3_value *value, LatencyBins::Counts &counts)
{
    if (LatencyBins::addPacked(argumentBytes(value), counts))
        return true;
    sqlite3_result_error(context, "not a packed latency histogram", -1);
    return false;
}

void resultPacked(sqlite3_context *context, const LatencyBins::Counts &counts)
{
    const QByteArray packed = LatencyBins::pack(counts);
    sqlite3_result_blob(context, packed.constData(), int(packed.size()), SQLITE_TRANSIENT);
}

void binsAdd(sqlite3_context *context, int, sqlite3_value **values)
{
    LatencyBins::Counts counts {};
    if (addArgument(context, values[0], counts) && addArgument(context, values[1], counts))
        resultPacked(context, counts);
}

void binsPack(sqlite3_context *context, int count, sqlite3_value **values)
{
    if (count > LatencyBins::kCount) {
        sqlite3_result_error(context, "llmgw_bins_pack takes at most 64 counts", -1);
        return;
    }
    LatencyBins::Counts counts {};
    for (int bin = 0; bin < count; ++bin)
        counts[size_t(bin)] = sqlite3_value_int64(values[bin]); // NULL (no record in the bin) is 0
    resultPacked(context, counts);
}

void binsSumStep(sqlite3_context *context, int, sqlite3_value **values)
{
    auto *counts = static_cast<LatencyBins::Counts *>(
        sqlite3_aggregate_context(context, int(sizeof(LatencyBins::Counts)))); // zeroed at the first row
    if (!counts)
        sqlite3_result_error_nomem(context);
    else
        addArgument(context, values[0], *counts);
}

void binsSumFinal(sqlite3_context *context)
{
    const auto *counts = static_cast<LatencyBins::Counts *>(sqlite3_aggregate_context(context, 0));
    resultPacked(context, counts ? *counts : LatencyBins::Counts {});
}

} // namespace

namespace RollupBins {

bool installSqlite(sqlite3 *db, QString *error)
{
    constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    const int results[] = {
        sqlite3_create_function_v2(
            db, "llmgw_bins_add", 2, flags, nullptr, binsAdd, nullptr, nullptr, nullptr),
        sqlite3_create_function_v2(
            db, "llmgw_bins_pack", -1, flags, nullptr, binsPack, nullptr, nullptr, nullptr),
        sqlite3_create_function_v2(
            db, "llmgw_bins_sum", 1, flags, nullptr, nullptr, binsSumStep, binsSumFinal, nullptr),
    };
    for (const int result : results) {
        if (result != SQLITE_OK) {
            *error = u"cannot register the usage rollups' functions: %1"_s.arg(
                QString::fromUtf8(sqlite3_errstr(result)));
            return false;
        }
    }
    return true;
}

QStringList postgresDefinitions()
{
    // The same bytes as LatencyBins::pack and addPacked. llmgw_bins_counts adds a packed histogram to 64
    // counts (indexed from 0): the step of llmgw_bins_sum, whose last step packs them.
    const QString zeros = u"'[0:63]={"_s + QStringList(LatencyBins::kCount, u"0"_s).join(u',') + u"}'"_s;
    return {
        uR"(CREATE OR REPLACE FUNCTION llmgw_bins_counts(counts bigint[], packed bytea) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    pos integer := 0;
    len integer := length(packed);
    bin integer;
    n bigint;
    shift integer;
    byte integer;
BEGIN
    WHILE pos < len LOOP
        bin := get_byte(packed, pos);
        IF bin >= 64 THEN
            RAISE EXCEPTION 'not a packed latency histogram';
        END IF;
        pos := pos + 1;
        n := 0;
        shift := 0;
        LOOP
            IF pos >= len OR shift > 56 THEN
                RAISE EXCEPTION 'not a packed latency histogram';
            END IF;
            byte := get_byte(packed, pos);
            pos := pos + 1;
            n := n | ((byte & 127)::bigint << shift);
            EXIT WHEN byte < 128;
            shift := shift + 7;
        END LOOP;
        counts[bin] := counts[bin] + n;
    END LOOP;
    RETURN counts;
END $$)"_s,
        uR"(CREATE OR REPLACE FUNCTION llmgw_bins_pack(VARIADIC counts bigint[]) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    packed bytea := '';
    base integer := array_lower(counts, 1);
    bin integer;
    n bigint;
BEGIN
    FOR bin IN 0 .. LEAST(cardinality(counts), 64) - 1 LOOP
        n := COALESCE(counts[base + bin], 0);
        CONTINUE WHEN n = 0;
        packed := packed || set_byte('\x00'::bytea, 0, bin);
        WHILE n >= 128 LOOP
            packed := packed || set_byte('\x00'::bytea, 0, ((n & 127) | 128)::integer);
            n := n >> 7;
        END LOOP;
        packed := packed || set_byte('\x00'::bytea, 0, n::integer);
    END LOOP;
    RETURN packed;
END $$)"_s,
        // The log writer's upserts call it twice a row, so it merges the two byte strings as they are, bin by
        // bin in ascending order, instead of unpacking both into 64 counts and packing them again (three
        // times as fast; bench/README.md, packed latency histograms). A batch's side is usually the shorter:
        // the stored side's entries between its bins are copied a run at a time.
        uR"(CREATE OR REPLACE FUNCTION llmgw_bins_add(a bytea, b bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    len_a integer := length(a);
    len_b integer := length(b);
    pos_a integer := 0;
    pos_b integer := 0;
    run integer;
    bin integer;
    n bigint;
    shift integer;
    byte integer;
    packed bytea := '';
BEGIN
    IF len_b = 0 THEN
        RETURN a;
    ELSIF len_a = 0 THEN
        RETURN b;
    END IF;
    WHILE pos_b < len_b LOOP
        bin := get_byte(b, pos_b);
        IF bin >= 64 THEN
            RAISE EXCEPTION 'not a packed latency histogram';
        END IF;
        -- a's entries of smaller bins, copied as they are.
        run := pos_a;
        -- (CASE: PostgreSQL does not promise to evaluate AND's operands in order.)
        WHILE (CASE WHEN pos_a < len_a THEN get_byte(a, pos_a) < bin ELSE false END) LOOP
            pos_a := pos_a + 1;
            WHILE get_byte(a, pos_a) >= 128 LOOP
                pos_a := pos_a + 1;
            END LOOP;
            pos_a := pos_a + 1;
        END LOOP;
        IF pos_a > run THEN
            packed := packed || substring(a FROM run + 1 FOR pos_a - run);
        END IF;
        -- b's count, and a's when it has the bin too.
        n := 0;
        shift := 0;
        pos_b := pos_b + 1;
        LOOP
            byte := get_byte(b, pos_b);
            pos_b := pos_b + 1;
            n := n + ((byte & 127)::bigint << shift);
            EXIT WHEN byte < 128;
            shift := shift + 7;
            IF shift > 56 THEN
                RAISE EXCEPTION 'not a packed latency histogram';
            END IF;
        END LOOP;
        IF (CASE WHEN pos_a < len_a THEN get_byte(a, pos_a) = bin ELSE false END) THEN
            shift := 0;
            pos_a := pos_a + 1;
            LOOP
                byte := get_byte(a, pos_a);
                pos_a := pos_a + 1;
                n := n + ((byte & 127)::bigint << shift);
                EXIT WHEN byte < 128;
                shift := shift + 7;
                IF shift > 56 THEN
                    RAISE EXCEPTION 'not a packed latency histogram';
                END IF;
            END LOOP;
        END IF;
        packed := packed || set_byte('\x00'::bytea, 0, bin);
        WHILE n >= 128 LOOP
            packed := packed || set_byte('\x00'::bytea, 0, ((n & 127) | 128)::integer);
            n := n >> 7;
        END LOOP;
        packed := packed || set_byte('\x00'::bytea, 0, n::integer);
    END LOOP;
    IF pos_a < len_a THEN
        packed := packed || substring(a FROM pos_a + 1);
    END IF;
    RETURN packed;
END $$)"_s,
        uR"(CREATE OR REPLACE FUNCTION llmgw_bins_sum_final(counts bigint[]) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT llmgw_bins_pack(VARIADIC counts) $$)"_s,
        uR"(CREATE OR REPLACE AGGREGATE llmgw_bins_sum(bytea) (SFUNC = llmgw_bins_counts, STYPE = bigint[],
    FINALFUNC = llmgw_bins_sum_final, INITCOND = %1))"_s.arg(zeros),
    };
}

} // namespace RollupBins
