#include "usagetoolbar.h"

#include "theme/icons.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QStandardItemModel>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

using Preset = UsageQuery::Preset;
using GroupBy = UsageQuery::GroupBy;

QLabel *buddy(const QString &text, QWidget *field, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setBuddy(field);
    // A tooltip describes; the name is what a screen reader says first.
    field->setAccessibleName(QString(text).remove(u'&').remove(u':'));
    return label;
}

} // namespace

UsageToolbar::UsageToolbar(QWidget *parent)
    : QWidget(parent)
    , m_range(new QComboBox(this))
    , m_from(new QDateTimeEdit(this))
    , m_to(new QDateTimeEdit(this))
    , m_utc(new QCheckBox(tr("&UTC"), this))
    , m_groupBy(new QComboBox(this))
    , m_model(new QComboBox(this))
    , m_provider(new QComboBox(this))
    , m_back(new QToolButton(this))
    , m_busy(new QLabel(tr("Loading…"), this))
{
    setObjectName(u"usageToolbar"_s);
    m_range->setObjectName(u"usageRange"_s);
    m_from->setObjectName(u"usageFrom"_s);
    m_to->setObjectName(u"usageTo"_s);
    m_utc->setObjectName(u"usageUtc"_s);
    m_groupBy->setObjectName(u"usageGroupBy"_s);
    m_model->setObjectName(u"usageModelFilter"_s);
    m_provider->setObjectName(u"usageProviderFilter"_s);
    m_back->setObjectName(u"usageBack"_s);
    m_busy->setObjectName(u"usageBusy"_s);

    m_range->addItem(tr("Last hour"), int(Preset::LastHour));
    m_range->addItem(tr("Last 24 hours"), int(Preset::Last24Hours));
    m_range->addItem(tr("Last 7 days"), int(Preset::Last7Days));
    m_range->addItem(tr("Last 30 days"), int(Preset::Last30Days));
    m_range->addItem(tr("Last 90 days"), int(Preset::Last90Days));
    m_range->addItem(tr("Custom…"), int(Preset::Custom));
    for (QDateTimeEdit *edit : { m_from, m_to }) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
    }
    m_utc->setToolTip(tr("Show and enter times in UTC instead of local time"));

    m_groupBy->addItem(tr("Nothing"), int(GroupBy::None));
    m_groupBy->addItem(tr("Model"), int(GroupBy::Model));
    m_groupBy->addItem(tr("Provider"), int(GroupBy::Provider));
    m_groupBy->addItem(tr("API key"), int(GroupBy::Key));
    m_groupBy->addItem(tr("Member"), int(GroupBy::Member));

    for (QComboBox *filter : { m_model, m_provider }) {
        filter->setEditable(true);
        filter->setInsertPolicy(QComboBox::NoInsert);
        filter->setMinimumContentsLength(14);
        filter->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        filter->addItem(QString());
        filter->lineEdit()->setClearButtonEnabled(true);
        connect(filter, &QComboBox::editTextChanged, this, [this] {
            if (!m_showing)
                m_filterDelay.start();
        });
    }
    m_model->lineEdit()->setPlaceholderText(tr("All models"));
    m_provider->lineEdit()->setPlaceholderText(tr("All providers"));
    m_filterDelay.setSingleShot(true);
    m_filterDelay.setInterval(kFilterDelayMs);
    connect(&m_filterDelay, &QTimer::timeout, this,
        [this] { emit filtersChanged(modelFilter(), providerFilter()); });

    m_back->setIcon(Icons::icon(u"back"_s));
    m_back->setText(tr("Back"));
    m_back->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_back->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    m_back->setAccessibleName(tr("Back to the previous range"));
    m_back->setToolTip(tr("Back to the range before the last drag across a chart (Alt+Left)"));
    m_back->setEnabled(false);
    m_busy->setVisible(false);

    auto *rows = new QVBoxLayout(this);
    rows->setContentsMargins(0, 0, 0, 0);
    auto *first = new QHBoxLayout;
    first->addWidget(m_back);
    first->addWidget(buddy(tr("&Range:"), m_range, this));
    first->addWidget(m_range);
    m_fromLabel = buddy(tr("F&rom:"), m_from, this);
    first->addWidget(m_fromLabel);
    first->addWidget(m_from);
    m_toLabel = buddy(tr("&To:"), m_to, this);
    first->addWidget(m_toLabel);
    first->addWidget(m_to);
    first->addWidget(m_utc);
    first->addStretch(1);
    first->addWidget(m_busy);
    auto *second = new QHBoxLayout;
    second->addWidget(buddy(tr("&Group by:"), m_groupBy, this));
    second->addWidget(m_groupBy);
    second->addSpacing(12);
    second->addWidget(buddy(tr("&Model:"), m_model, this));
    second->addWidget(m_model, 1);
    second->addWidget(buddy(tr("&Provider:"), m_provider, this));
    second->addWidget(m_provider, 1);
    second->addStretch(1);
    rows->addLayout(first);
    rows->addLayout(second);
    m_from->setAccessibleName(tr("Range start"));
    m_to->setAccessibleName(tr("Range end"));
    m_utc->setAccessibleName(tr("Times in UTC"));
    showCustom(false);

    connect(m_range, &QComboBox::activated, this, &UsageToolbar::rangeActivated);
    connect(m_from, &QDateTimeEdit::editingFinished, this, &UsageToolbar::customEdited);
    connect(m_to, &QDateTimeEdit::editingFinished, this, &UsageToolbar::customEdited);
    connect(m_utc, &QCheckBox::toggled, this, [this](bool utc) {
        for (QDateTimeEdit *edit : { m_from, m_to }) {
            const QDateTime shown = edit->dateTime();
            edit->setTimeSpec(utc ? Qt::UTC : Qt::LocalTime);
            edit->setDateTime(utc ? shown.toUTC() : shown.toLocalTime());
        }
        if (!m_showing)
            emit utcToggled(utc);
    });
    connect(m_groupBy, &QComboBox::activated, this,
        [this](int index) { emit groupByChosen(GroupBy(m_groupBy->itemData(index).toInt())); });
    connect(m_back, &QToolButton::clicked, this, &UsageToolbar::backClicked);
}

void UsageToolbar::showQuery(const UsageQuery &query)
{
    m_showing = true;
    m_range->setCurrentIndex(m_range->findData(int(query.preset())));
    showCustom(query.preset() == Preset::Custom);
    const bool utc = m_utc->isChecked();
    m_from->setDateTime(utc ? query.from().toUTC() : query.from().toLocalTime());
    m_to->setDateTime(utc ? query.to().toUTC() : query.to().toLocalTime());
    m_groupBy->setCurrentIndex(m_groupBy->findData(int(query.groupBy())));
    if (m_model->currentText() != query.model())
        m_model->setEditText(query.model());
    if (m_provider->currentText() != query.provider())
        m_provider->setEditText(query.provider());
    m_showing = false;
}

void UsageToolbar::setUtc(bool utc)
{
    m_showing = true;
    m_utc->setChecked(utc);
    m_showing = false;
}

bool UsageToolbar::isUtc() const
{
    return m_utc->isChecked();
}

void UsageToolbar::setGroupByAllowed(GroupBy groupBy, bool allowed)
{
    auto *model = qobject_cast<QStandardItemModel *>(m_groupBy->model());
    QStandardItem *item = model ? model->item(m_groupBy->findData(int(groupBy))) : nullptr;
    if (!item)
        return;
    item->setEnabled(allowed);
    item->setToolTip(allowed ? QString() : tr("Your role does not allow this grouping"));
}

void UsageToolbar::setBackEnabled(bool enabled)
{
    m_back->setEnabled(enabled);
}

void UsageToolbar::addModels(const QStringList &models)
{
    addNames(m_model, models);
}

void UsageToolbar::addProviders(const QStringList &providers)
{
    addNames(m_provider, providers);
}

void UsageToolbar::addNames(QComboBox *combo, const QStringList &names)
{
    // Suggestions only grow while the page lives; the text typed is kept.
    const QString text = combo->currentText();
    for (const QString &name : names) {
        if (!name.isEmpty() && combo->findText(name) < 0)
            combo->addItem(name);
    }
    if (combo->currentText() != text)
        combo->setEditText(text);
}

void UsageToolbar::setBusy(bool busy)
{
    m_busy->setVisible(busy);
}

void UsageToolbar::focusFilter()
{
    m_model->setFocus(Qt::ShortcutFocusReason);
    m_model->lineEdit()->selectAll();
}

QString UsageToolbar::modelFilter() const
{
    return m_model->currentText().trimmed();
}

QString UsageToolbar::providerFilter() const
{
    return m_provider->currentText().trimmed();
}

void UsageToolbar::rangeActivated(int index)
{
    const auto preset = Preset(m_range->itemData(index).toInt());
    showCustom(preset == Preset::Custom);
    if (preset == Preset::Custom) {
        // The two times start as the range shown until now; the user edits them.
        m_from->setFocus(Qt::OtherFocusReason);
        customEdited();
        return;
    }
    emit presetChosen(preset);
}

void UsageToolbar::customEdited()
{
    if (m_showing)
        return;
    const QDateTime from = m_from->dateTime().toUTC();
    const QDateTime to = m_to->dateTime().toUTC();
    if (from < to)
        emit customRangeChosen(from, to);
}

void UsageToolbar::showCustom(bool shown)
{
    for (QWidget *w : std::initializer_list<QWidget *> { m_fromLabel, m_from, m_toLabel, m_to })
        w->setVisible(shown);
}
