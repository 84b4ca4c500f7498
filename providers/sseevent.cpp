#include "sseevent.h"

SseEvent parseSseEvent(QByteArrayView text)
{
    SseEvent event;
    bool firstData = true;
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        QByteArrayView line = text.sliced(pos, end - pos);
        if (line.endsWith('\r'))
            line.chop(1);
        pos = end + 1;
        const qsizetype colon = line.indexOf(':');
        const QByteArrayView field = colon < 0 ? line : line.first(colon);
        QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
        if (field == "event") {
            event.event = value.toByteArray();
        } else if (field == "data") {
            if (!firstData)
                event.data += '\n';
            event.data += value;
            firstData = false;
        }
    }
    return event;
}
