#pragma once

#include <cstdio>
#include <cstdlib>

// An invariant of a fuzz target: on violation, say which and abort, so that libFuzzer (or the regression
// driver) keeps the input that broke it.
#define FUZZ_CHECK(condition, what)                                                                          \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            std::fprintf(stderr, "fuzz invariant violated at %s:%d: %s [%s]\n", __FILE__, __LINE__, what,    \
                #condition);                                                                                 \
            std::abort();                                                                                    \
        }                                                                                                    \
    } while (false)
