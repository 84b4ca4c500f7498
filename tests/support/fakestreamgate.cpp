#include "fakestreamgate.h"

FakeStreamGate::FakeStreamGate(QObject *parent)
    : QObject(parent)
{ }

void FakeStreamGate::release()
{
    QMetaObject::invokeMethod(this, &FakeStreamGate::released, Qt::QueuedConnection);
}
