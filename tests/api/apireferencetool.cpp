// api_reference: docs/api-reference.md from the route table. With no argument it prints the reference;
// --write FILE writes it; --check FILE fails (exit 1) when FILE differs, naming the first line that does and
// how to regenerate it. The ctest check_api_reference runs --check; scripts/api-reference.sh --fix, --write.
#include "apireference.h"

#include <QFile>

#include <cstdio>

namespace {

int fail(const QByteArray &message)
{
    std::fprintf(stderr, "%s\n", message.constData());
    return message.startsWith("usage") ? 2 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    const QByteArray reference = ApiReference::markdown(ApiRoutes::table()).toUtf8();
    const QByteArray mode = argc > 1 ? QByteArray(argv[1]) : QByteArray();
    if (argc == 1) {
        std::fwrite(reference.constData(), 1, size_t(reference.size()), stdout);
        return 0;
    }
    if (argc != 3 || (mode != "--check" && mode != "--write"))
        return fail("usage: api_reference [--check FILE | --write FILE]");
    QFile file(QString::fromLocal8Bit(argv[2]));
    if (mode == "--write") {
        if (!file.open(QIODevice::WriteOnly) || file.write(reference) != reference.size())
            return fail(
                "cannot write " + file.fileName().toLocal8Bit() + ": " + file.errorString().toLocal8Bit());
        return 0;
    }
    const QByteArray regenerate = "; regenerate it with scripts/api-reference.sh --fix";
    if (!file.open(QIODevice::ReadOnly))
        return fail("cannot read " + file.fileName().toLocal8Bit() + ": " + file.errorString().toLocal8Bit()
            + regenerate);
    const QByteArray checkedIn = file.readAll();
    if (checkedIn == reference)
        return 0;
    const QList<QByteArray> expected = reference.split('\n');
    const QList<QByteArray> actual = checkedIn.split('\n');
    qsizetype line = 0;
    while (line < expected.size() && line < actual.size() && expected.at(line) == actual.at(line))
        ++line;
    return fail(file.fileName().toLocal8Bit()
        + " differs from the route table (app/api/apiroutes.cpp) at line " + QByteArray::number(line + 1)
        + ":\n  checked in: " + actual.value(line) + "\n  table says: " + expected.value(line) + '\n'
        + regenerate.sliced(2));
}
