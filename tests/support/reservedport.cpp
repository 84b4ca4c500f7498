#include "reservedport.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

ReservedPort::ReservedPort()
{
    const int descriptor = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (descriptor < 0) {
        fail("socket");
        return;
    }
    m_descriptor = descriptor;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0; // the kernel picks a free one
    socklen_t length = sizeof(address);
    if (::bind(descriptor, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0
        || ::getsockname(descriptor, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        fail("bind");
        return;
    }
    m_port = ntohs(address.sin_port);
}

ReservedPort::~ReservedPort()
{
    if (m_descriptor >= 0)
        ::close(int(m_descriptor));
}

qintptr ReservedPort::takeListening()
{
    if (m_descriptor < 0) {
        if (m_errorString.isEmpty())
            m_errorString = QStringLiteral("the port was handed over already");
        return -1;
    }
    if (::listen(int(m_descriptor), SOMAXCONN) != 0) {
        fail("listen");
        return -1;
    }
    const qintptr descriptor = m_descriptor;
    m_descriptor = -1;
    return descriptor;
}

void ReservedPort::fail(const char *what)
{
    const int code = errno;
    m_errorString = QStringLiteral("cannot reserve a port on 127.0.0.1 (%1): %2")
                        .arg(QLatin1StringView(what), QString::fromLocal8Bit(std::strerror(code)));
    if (m_descriptor >= 0)
        ::close(int(m_descriptor));
    m_descriptor = -1;
    m_port = 0;
}
