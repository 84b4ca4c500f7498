#include "glibcontextpump.h"

#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
#include <dlfcn.h>
#define GATEWAY_HAVE_GLIB_PUMP 1
#endif

namespace {
// GLib's main-context functions, looked up at run time as QtKeychain looks up libsecret: there is no GLib
// development package to link against, and where GLib is missing libsecret is missing too.
struct GLib
{
    void *(*contextNew)() = nullptr;
    void *(*threadDefault)() = nullptr;
    void (*pushThreadDefault)(void *) = nullptr;
    void (*popThreadDefault)(void *) = nullptr;
    void (*unref)(void *) = nullptr;
    int (*iteration)(void *, int) = nullptr;

    bool load()
    {
#ifdef GATEWAY_HAVE_GLIB_PUMP
        void *library = dlopen("libglib-2.0.so.0", RTLD_NOW | RTLD_GLOBAL);
        if (!library)
            return false;
        contextNew = reinterpret_cast<void *(*)()>(dlsym(library, "g_main_context_new"));
        threadDefault = reinterpret_cast<void *(*)()>(dlsym(library, "g_main_context_get_thread_default"));
        pushThreadDefault
            = reinterpret_cast<void (*)(void *)>(dlsym(library, "g_main_context_push_thread_default"));
        popThreadDefault
            = reinterpret_cast<void (*)(void *)>(dlsym(library, "g_main_context_pop_thread_default"));
        unref = reinterpret_cast<void (*)(void *)>(dlsym(library, "g_main_context_unref"));
        iteration = reinterpret_cast<int (*)(void *, int)>(dlsym(library, "g_main_context_iteration"));
        return contextNew && threadDefault && pushThreadDefault && popThreadDefault && unref && iteration;
#else
        return false;
#endif
    }
};

const GLib &glib()
{
    static const GLib functions = [] {
        GLib loaded;
        return loaded.load() ? loaded : GLib();
    }();
    return functions;
}
} // namespace

GLibContextPump::GLibContextPump(QObject *parent)
    : QObject(parent)
{
    // Every libsecret call made on this thread from now on delivers its callback to this context. When Qt
    // runs its GLib dispatcher on this thread, the thread already has one, and Qt iterates it.
    if (glib().iteration && !glib().threadDefault()) {
        m_context = glib().contextNew();
        glib().pushThreadDefault(m_context);
    }
    // Keychain jobs take milliseconds; polling only while one is outstanding costs nothing the rest of the
    // time.
    m_timer.setInterval(5);
    connect(&m_timer, &QTimer::timeout, this, &GLibContextPump::iterate);
}

GLibContextPump::~GLibContextPump()
{
    if (m_context) {
        glib().popThreadDefault(m_context);
        glib().unref(m_context);
    }
}

void GLibContextPump::jobStarted()
{
    if (m_context && m_outstanding++ == 0)
        m_timer.start();
}

void GLibContextPump::jobFinished()
{
    if (m_context && --m_outstanding == 0)
        m_timer.stop();
}

void GLibContextPump::iterate()
{
    while (glib().iteration(m_context, 0)) { }
}
