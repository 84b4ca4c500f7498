#pragma once

#include "usagequery.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QToolButton;

// The Usage page's controls: range (presets or two times), local time or UTC, grouping, model and provider
// filters (typed or picked from names seen; 300 ms after the last keystroke), and Back. Each control has a
// buddy label, so it has an accessible name that says what it is rather than what it currently shows.
// It only reports what the user chose; the page decides what to ask for and shows the result with
// showQuery().
class UsageToolbar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageToolbar)
public:
    static constexpr int kFilterDelayMs = 300;

    explicit UsageToolbar(QWidget *parent = nullptr);

    // Shows `query` without reporting it back.
    void showQuery(const UsageQuery &query);
    void setUtc(bool utc);
    bool isUtc() const;
    void setGroupByAllowed(UsageQuery::GroupBy groupBy, bool allowed);
    void setBackEnabled(bool enabled);
    void addModels(const QStringList &models);
    void addProviders(const QStringList &providers);
    void setBusy(bool busy);
    void focusFilter();

    QString modelFilter() const;
    QString providerFilter() const;

signals:
    void presetChosen(UsageQuery::Preset preset);
    void customRangeChosen(const QDateTime &from, const QDateTime &to);
    void groupByChosen(UsageQuery::GroupBy groupBy);
    // Debounced: once typing pauses.
    void filtersChanged(const QString &model, const QString &provider);
    void utcToggled(bool utc);
    void backClicked();

private:
    void rangeActivated(int index);
    void customEdited();
    void showCustom(bool shown);
    static void addNames(QComboBox *combo, const QStringList &names);

    QComboBox *m_range;
    QLabel *m_fromLabel;
    QDateTimeEdit *m_from;
    QLabel *m_toLabel;
    QDateTimeEdit *m_to;
    QCheckBox *m_utc;
    QComboBox *m_groupBy;
    QComboBox *m_model;
    QComboBox *m_provider;
    QToolButton *m_back;
    QLabel *m_busy;
    QTimer m_filterDelay;
    bool m_showing = false; // showQuery() is setting the controls: do not report
};
