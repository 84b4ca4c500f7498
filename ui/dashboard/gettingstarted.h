#pragma once

#include <QUrl>
#include <QWidget>

class ApiClient;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

// The dashboard before the first request: where clients send requests (the base URL, to copy), a gateway
// API key made on the spot (shown once, to copy) and a curl command with both that works as pasted.
class GettingStarted final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GettingStarted)
public:
    GettingStarted(ApiClient &api, QWidget *parent);

    // The root URL clients reach (http://host:port); the snippet and the field show it with /v1.
    void setBaseUrl(const QUrl &root);
    QString baseUrlText() const;
    QString createdKey() const { return m_key; }
    QString snippet() const;
    // The curl command for `clientBaseUrl` (…/v1) and `key` (a placeholder when empty).
    static QString curlSnippet(const QUrl &clientBaseUrl, const QString &key);

signals:
    void message(const QString &text);
    void keyCreated(const QString &key);

private:
    void createKey();
    void updateSnippet();
    QToolButton *copyButton(const QString &accessibleName, QWidget *source);

    ApiClient &m_api;
    QUrl m_clientUrl;
    QString m_key;
    QLineEdit *m_baseUrl;
    QPushButton *m_create;
    QLabel *m_keyLabel;
    QLineEdit *m_keyField;
    QToolButton *m_copyKey;
    QLabel *m_keyNote;
    QPlainTextEdit *m_snippet;
    QFormLayout *m_form = nullptr;
    int m_keyRow = 0; // the new key and its Copy button
    int m_noteRow = 0; // "will not be shown again", or why no key was made
};
