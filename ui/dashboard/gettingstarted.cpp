#include "gettingstarted.h"

#include "apiclient.h"
#include "shell/baseurl.h"
#include "shell/windowlog.h"
#include "theme/icons.h"

#include <QClipboard>
#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

GettingStarted::GettingStarted(ApiClient &api, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_baseUrl(new QLineEdit(this))
    , m_create(new QPushButton(tr("Create a key"), this))
    , m_keyLabel(new QLabel(tr("New &API key:"), this))
    , m_keyField(new QLineEdit(this))
    , m_copyKey(nullptr)
    , m_keyNote(new QLabel(this))
    , m_snippet(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("gettingStarted"));
    // A column of reading width: across a wide window the fields and the command would drift apart.
    auto *root = new QHBoxLayout(this);
    root->setContentsMargins(0, 0, 0, 0);
    auto *column = new QWidget(this);
    column->setMaximumWidth(860);
    root->addWidget(column, 1);
    root->addStretch(0);
    auto *outer = new QVBoxLayout(column);
    outer->setContentsMargins(24, 16, 24, 16);
    outer->setSpacing(12);

    auto *heading = new QLabel(tr("No requests yet"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.4);
    headingFont.setWeight(QFont::DemiBold);
    heading->setFont(headingFont);
    outer->addWidget(heading);
    auto *intro
        = new QLabel(tr("Point any OpenAI- or Anthropic-compatible client at the address below, with a "
                        "key of this gateway. Every request it makes appears here within a few seconds: "
                        "its cost, tokens and latency."),
            this);
    intro->setWordWrap(true);
    outer->addWidget(intro);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    m_baseUrl->setObjectName(QStringLiteral("baseUrlField"));
    m_baseUrl->setReadOnly(true);
    m_baseUrl->setAccessibleName(tr("Base URL"));
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_baseUrl, 1);
    QToolButton *copyUrl = copyButton(tr("Copy base URL"), m_baseUrl);
    copyUrl->setObjectName(QStringLiteral("copyBaseUrlField"));
    urlRow->addWidget(copyUrl);
    auto *urlLabel = new QLabel(tr("&Base URL:"), this);
    urlLabel->setBuddy(m_baseUrl);
    form->addRow(urlLabel, urlRow);

    m_create->setObjectName(QStringLiteral("createKeyButton"));
    m_create->setAccessibleName(tr("Create a key"));
    m_create->setToolTip(tr("Create a gateway API key for your first client"));
    connect(m_create, &QPushButton::clicked, this, &GettingStarted::createKey);
    auto *createRow = new QHBoxLayout;
    createRow->addWidget(m_create);
    createRow->addStretch(1);
    auto *keyHeading = new QLabel(tr("API key:"), this);
    keyHeading->setBuddy(m_create);
    form->addRow(keyHeading, createRow);

    m_keyField->setObjectName(QStringLiteral("createdKeyField"));
    m_keyField->setReadOnly(true);
    m_keyField->setAccessibleName(tr("New API key"));
    m_keyLabel->setBuddy(m_keyField);
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_keyField, 1);
    m_copyKey = copyButton(tr("Copy the new API key"), m_keyField);
    m_copyKey->setObjectName(QStringLiteral("copyCreatedKey"));
    keyRow->addWidget(m_copyKey);
    m_keyRow = form->rowCount();
    form->addRow(m_keyLabel, keyRow);
    m_keyNote->setObjectName(QStringLiteral("createdKeyNote"));
    m_keyNote->setWordWrap(true);
    m_noteRow = form->rowCount();
    form->addRow(m_keyNote);
    // The key's rows appear once there is a key; hidden rows take no space (QFormLayout::setRowVisible, 6.4).
    m_form = form;
    m_form->setRowVisible(m_keyRow, false);
    m_form->setRowVisible(m_noteRow, false);

    m_snippet->setObjectName(QStringLiteral("curlSnippet"));
    m_snippet->setReadOnly(true);
    m_snippet->setAccessibleName(tr("Example request with curl"));
    m_snippet->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_snippet->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_snippet->setTabChangesFocus(true);
    const int lineHeight = m_snippet->fontMetrics().lineSpacing();
    m_snippet->setFixedHeight(lineHeight * 6 + 16);
    auto *snippetRow = new QHBoxLayout;
    snippetRow->addWidget(m_snippet, 1);
    QToolButton *copySnippet = copyButton(tr("Copy the curl command"), m_snippet);
    copySnippet->setObjectName(QStringLiteral("copySnippet"));
    snippetRow->addWidget(copySnippet, 0, Qt::AlignTop);
    auto *snippetLabel = new QLabel(tr("&Try it:"), this);
    snippetLabel->setBuddy(m_snippet);
    form->addRow(snippetLabel, snippetRow);

    outer->addLayout(form);
    outer->addStretch(1);
    updateSnippet();
}

QToolButton *GettingStarted::copyButton(const QString &accessibleName, QWidget *source)
{
    auto *button = new QToolButton(this);
    button->setIcon(Icons::icon(QStringLiteral("copy")));
    button->setText(tr("Copy"));
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setAccessibleName(accessibleName);
    button->setToolTip(accessibleName);
    connect(button, &QToolButton::clicked, this, [this, source] {
        QString text;
        if (auto *line = qobject_cast<QLineEdit *>(source))
            text = line->text();
        else if (auto *plain = qobject_cast<QPlainTextEdit *>(source))
            text = plain->toPlainText();
        QGuiApplication::clipboard()->setText(text);
        emit message(tr("Copied to the clipboard"));
    });
    return button;
}

void GettingStarted::setBaseUrl(const QUrl &root)
{
    m_clientUrl = BaseUrl::forClients(root);
    m_baseUrl->setText(m_clientUrl.toString());
    updateSnippet();
}

QString GettingStarted::baseUrlText() const
{
    return m_baseUrl->text();
}

QString GettingStarted::snippet() const
{
    return m_snippet->toPlainText();
}

QString GettingStarted::curlSnippet(const QUrl &clientBaseUrl, const QString &key)
{
    const QString shownKey = key.isEmpty() ? QStringLiteral("$LLM_GATEWAY_KEY") : key;
    return QStringLiteral("curl %1/chat/completions \\\n"
                          "  -H \"Authorization: Bearer %2\" \\\n"
                          "  -H \"Content-Type: application/json\" \\\n"
                          "  -d '{\"model\": \"openai/gpt-4o-mini\",\n"
                          "       \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}'")
        .arg(clientBaseUrl.toString(), shownKey);
}

void GettingStarted::updateSnippet()
{
    m_snippet->setPlainText(curlSnippet(m_clientUrl, m_key));
}

void GettingStarted::createKey()
{
    m_create->setEnabled(false);
    const QString name
        = tr("First key (%1)").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    // No view name: creating a key is a one-off action that nothing may replace.
    m_api.createKey(QString(), name, this, [this](const ApiResult<CreatedKey> &result) {
        m_create->setEnabled(true);
        m_form->setRowVisible(m_noteRow, true);
        if (!result) {
            qCWarning(lcWindow) << "cannot create a key:" << result.error.message;
            m_keyNote->setText(tr("Cannot create a key: %1").arg(result.error.message));
            emit message(m_keyNote->text());
            return;
        }
        m_key = result->key;
        m_keyField->setText(m_key);
        m_form->setRowVisible(m_keyRow, true);
        m_keyNote->setText(tr("Copy this key now: it is stored only as a hash and will not be shown again. "
                              "The command below already uses it."));
        m_create->setText(tr("Create another key"));
        m_create->setAccessibleName(tr("Create another key"));
        updateSnippet();
        m_keyField->setFocus();
        m_keyField->selectAll();
        emit keyCreated(m_key);
    });
}
