// Regression driver for the fuzz targets in the ordinary build (no libFuzzer): feeds LLVMFuzzerTestOneInput
// the seed corpus, then seeded random mutations of it, within an iteration and a time budget. The run is
// the same every time for the same seed; an input that breaks an invariant (abort) or crashes the target
// is written to fuzz-crash-<target>.bin in the working directory first.
//
//   tst_fuzz_<target> [--iterations N] [--seconds S] [--seed X] [--corpus DIR] [FILE...]
//
// Given files, it runs exactly those (to replay a crash) and nothing else.

#include <QByteArrayList>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

constexpr qsizetype MaxInputSize = 16 * 1024;

// What the crash handler writes out; set before every call into the target.
const QByteArray *currentInput = nullptr;
char crashPath[256] = "fuzz-crash.bin";

extern "C" void onCrash(int signal)
{
    if (currentInput) {
        const int fd = ::open(crashPath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            [[maybe_unused]] const auto written
                = ::write(fd, currentInput->constData(), size_t(currentInput->size()));
            ::close(fd);
        }
        const char message[] = "\nfuzz driver: the failing input was written to ";
        [[maybe_unused]] auto a = ::write(STDERR_FILENO, message, sizeof(message) - 1);
        [[maybe_unused]] auto b = ::write(STDERR_FILENO, crashPath, std::strlen(crashPath));
        [[maybe_unused]] auto c = ::write(STDERR_FILENO, "\n", 1);
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

void run(const QByteArray &input)
{
    currentInput = &input;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(input.constData()), size_t(input.size()));
    currentInput = nullptr;
}

// Pieces of both grammars (HTTP/1.1 and JSON / the OpenAI format) that random bytes rarely produce.
const QByteArrayList dictionary = {
    "\r\n",
    "\r\n\r\n",
    "\n",
    "\r",
    " ",
    "\t",
    ":",
    ";",
    "GET / HTTP/1.1\r\n",
    "POST /v1/chat/completions ",
    " HTTP/1.1\r\n",
    " HTTP/1.0\r\n",
    "HTTP/1.1 200 OK\r\n",
    "HTTP/1.1 100 Continue\r\n\r\n",
    "Host: a\r\n",
    "Content-Length: ",
    "Transfer-Encoding: chunked\r\n",
    "Expect: 100-continue\r\n",
    "Connection: close\r\n",
    "Connection: keep-alive\r\n",
    "0\r\n\r\n",
    "5\r\nhello\r\n",
    ";ext=\"v\"",
    "X-Trailer: 1\r\n",
    "http://h:1/p?q",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "\\",
    "\\u",
    "\\ud83d\\ude00",
    "\\u0000",
    ",",
    "true",
    "false",
    "null",
    "-0.5e+10",
    "1e400",
    "9223372036854775808",
    "\"model\":\"m\"",
    "\"messages\":[]",
    "\"stream\":true",
    "\"stream_options\":",
    "{\"include_usage\":false}",
    "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}",
    "\"choices\":[]",
    "\"finish_reason\":\"stop\"",
    "\xc3\xa9",
    "\xf0\x9f\x98\x80",
    "\xff",
    "\x00",
};

class Mutator
{
public:
    explicit Mutator(quint32 seed)
        : m_random(seed)
    { }

    QByteArray mutate(QByteArray data, const QList<QByteArray> &pool)
    {
        const int steps = 1 + int(m_random.bounded(4));
        for (int i = 0; i < steps; ++i)
            step(data, pool);
        if (data.size() > MaxInputSize)
            data.truncate(MaxInputSize);
        return data;
    }

    quint32 bounded(quint32 n) { return m_random.bounded(n); }

private:
    qsizetype position(const QByteArray &data)
    {
        return qsizetype(m_random.bounded(quint32(data.size() + 1)));
    }
    const QByteArray &token() { return dictionary[qsizetype(m_random.bounded(quint32(dictionary.size())))]; }

    void step(QByteArray &data, const QList<QByteArray> &pool)
    {
        const qsizetype at = position(data);
        const qsizetype length = 1 + qsizetype(m_random.bounded(8u));
        switch (m_random.bounded(10u)) {
        case 0: // flip a bit
            if (at < data.size())
                data[at] = char(data[at] ^ (1 << m_random.bounded(8u)));
            break;
        case 1: // set a byte
            if (at < data.size())
                data[at] = char(m_random.bounded(256u));
            break;
        case 2: // insert a byte
            data.insert(at, char(m_random.bounded(256u)));
            break;
        case 3: // erase a range
            data.remove(at, length);
            break;
        case 4: // duplicate a range
            data.insert(at, data.mid(at, length));
            break;
        case 5: // insert a token
            data.insert(at, token());
            break;
        case 6: // replace a range with a token
            data.replace(at, qMin(length, data.size() - at), token());
            break;
        case 7: { // splice with another input
            const QByteArray &other = pool[qsizetype(m_random.bounded(quint32(pool.size())))];
            data = data.left(at) + other.mid(qsizetype(m_random.bounded(quint32(other.size() + 1))));
            break;
        }
        case 8: // repeat a range many times (limits, deep nesting)
            data.insert(at, data.mid(at, length).repeated(1 + int(m_random.bounded(300u))));
            break;
        case 9: // truncate
            data.truncate(at);
            break;
        }
    }

    QRandomGenerator m_random;
};

int usage(const char *program)
{
    std::fprintf(
        stderr, "usage: %s [--iterations N] [--seconds S] [--seed X] [--corpus DIR] [FILE...]\n", program);
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    qint64 iterations = 300000;
    qint64 seconds = 20;
    quint32 seed = 1;
    QString corpusDir = QStringLiteral(FUZZ_CORPUS_DIR);
    QStringList files;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--iterations" && hasValue)
            iterations = QByteArray(argv[++i]).toLongLong();
        else if (arg == "--seconds" && hasValue)
            seconds = QByteArray(argv[++i]).toLongLong();
        else if (arg == "--seed" && hasValue)
            seed = QByteArray(argv[++i]).toUInt();
        else if (arg == "--corpus" && hasValue)
            corpusDir = QString::fromLocal8Bit(argv[++i]);
        else if (arg.startsWith("--"))
            return usage(argv[0]);
        else
            files.append(QString::fromLocal8Bit(arg));
    }
    std::snprintf(crashPath, sizeof(crashPath), "fuzz-crash-%s.bin", FUZZ_TARGET_NAME);
    std::signal(SIGABRT, onCrash);
    std::signal(SIGSEGV, onCrash);
    std::signal(SIGBUS, onCrash);
    std::signal(SIGFPE, onCrash);

    if (files.isEmpty()) {
        const QDir dir(corpusDir);
        for (const QString &name : dir.entryList(QDir::Files, QDir::Name))
            files.append(dir.filePath(name));
        if (files.isEmpty()) {
            std::fprintf(stderr, "no seed inputs in %s\n", qPrintable(corpusDir));
            return 1;
        }
    } else {
        iterations = 0; // replay only
    }

    QList<QByteArray> pool;
    for (const QString &path : std::as_const(files)) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "cannot read %s: %s\n", qPrintable(path), qPrintable(file.errorString()));
            return 1;
        }
        pool.append(file.readAll());
        run(pool.last());
    }
    const qsizetype seeds = pool.size();

    // Without coverage feedback, keep some mutants as bases for later ones so that inputs can grow away
    // from the seeds; the pool is bounded and its evolution depends on the seed only.
    Mutator mutator(seed);
    QElapsedTimer timer;
    timer.start();
    qint64 done = 0;
    for (; done < iterations && timer.elapsed() < seconds * 1000; ++done) {
        const QByteArray &base = pool[qsizetype(mutator.bounded(quint32(pool.size())))];
        QByteArray input = mutator.mutate(base, pool);
        run(input);
        if (mutator.bounded(16u) == 0) {
            if (pool.size() < seeds + 512)
                pool.append(std::move(input));
            else
                pool[seeds + qsizetype(mutator.bounded(512u))] = std::move(input);
        }
    }
    std::printf("fuzz %s: %lld seed inputs and %lld mutations (seed %u) in %.1f s, no invariant violated\n",
        FUZZ_TARGET_NAME, static_cast<long long>(seeds), static_cast<long long>(done), seed,
        double(timer.elapsed()) / 1000.0);
    return 0;
}
