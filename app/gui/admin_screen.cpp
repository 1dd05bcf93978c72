#include "admin_screen.h"

#include "gui_util.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace secondline::desk {

namespace {

constexpr qint64 kMaxPolicyBytes = 1 << 20;

} // namespace

AdminScreen::AdminScreen(DeskContext& context, QWidget* parent) : QWidget(parent), m_ctx(context) {
    setObjectName("adminScreen");
    auto* layout = new QVBoxLayout(this);
    const bool manageUsers = m_ctx.may(privacy::Action::ManageUsers);
    const bool loadPolicy = m_ctx.may(privacy::Action::LoadPolicy);

    auto* users = new QGroupBox(tr("Users and key slots"), this);
    users->setVisible(manageUsers);
    auto* usersLayout = new QVBoxLayout(users);
    m_users = new QTableWidget(0, 4, users);
    m_users->setObjectName("users");
    m_users->setHorizontalHeaderLabels({tr("User"), tr("Role"), tr("Added (UTC)"), tr("May sign in")});
    m_users->verticalHeader()->hide();
    m_users->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_users->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_users->setSelectionMode(QAbstractItemView::SingleSelection);
    m_users->horizontalHeader()->setStretchLastSection(true);
    usersLayout->addWidget(m_users);
    auto* form = new QHBoxLayout;
    m_name = new QLineEdit(users);
    m_name->setObjectName("newUser");
    m_name->setPlaceholderText(tr("login name"));
    m_role = new QComboBox(users);
    m_role->setObjectName("newUserRole");
    for (auto role : privacy::kAllRoles) {
        // Trainers add trainees to a training store; administrators add anyone to a production store.
        if (m_ctx.session().training() && role != privacy::Role::Officer && role != privacy::Role::Trainer) continue;
        m_role->addItem(fromStd(std::string(privacy::roleName(role))), static_cast<int>(role));
    }
    m_password = new QLineEdit(users);
    m_password->setObjectName("newUserPassword");
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("password"));
    m_repeat = new QLineEdit(users);
    m_repeat->setObjectName("newUserRepeat");
    m_repeat->setEchoMode(QLineEdit::Password);
    m_repeat->setPlaceholderText(tr("repeat"));
    auto* add = new QPushButton(tr("&Add user"), users);
    add->setObjectName("addUser");
    auto* remove = new QPushButton(tr("Re&move selected…"), users);
    remove->setObjectName("removeUser");
    form->addWidget(m_name);
    form->addWidget(m_role);
    form->addWidget(m_password);
    form->addWidget(m_repeat);
    form->addWidget(add);
    form->addWidget(remove);
    usersLayout->addLayout(form);
    auto* rekey = new QPushButton(tr("Rotate the database key"), users);
    rekey->setObjectName("rotateKey");
    rekey->setVisible(m_ctx.may(privacy::Action::RotateKeys));
    usersLayout->addWidget(rekey, 0, Qt::AlignLeft);
    layout->addWidget(users, 2);

    auto* policy = new QGroupBox(tr("Policy pack in force"), this);
    policy->setVisible(loadPolicy);
    auto* policyLayout = new QHBoxLayout(policy);
    m_policy = new QLabel(policy);
    m_policy->setObjectName("policy");
    m_policy->setWordWrap(true);
    auto* load = new QPushButton(tr("&Load a policy pack…"), policy);
    load->setObjectName("loadPolicy");
    policyLayout->addWidget(m_policy, 1);
    policyLayout->addWidget(load);
    layout->addWidget(policy);

    auto* devices = new QGroupBox(tr("This desk"), this);
    auto* deviceForm = new QFormLayout(devices);
    m_device = new QComboBox(devices);
    m_device->setObjectName("defaultDevice");
    m_device->setEditable(true);
    m_device->setMinimumContentsLength(24);
    m_resolution = new QSpinBox(devices);
    m_resolution->setObjectName("resolution");
    m_resolution->setRange(0, 1200);
    m_resolution->setSpecialValueText(tr("device default"));
    m_resolution->setSuffix(tr(" dpi"));
    m_deskId = new QLineEdit(devices);
    m_deskId->setObjectName("deskId");
    m_location = new QLineEdit(devices);
    m_location->setObjectName("location");
    auto* saveDevices = new QPushButton(tr("Sa&ve desk settings"), devices);
    deviceForm->addRow(tr("Default capture device"), m_device);
    deviceForm->addRow(tr("Scan resolution"), m_resolution);
    deviceForm->addRow(tr("Desk"), m_deskId);
    deviceForm->addRow(tr("Post or port code"), m_location);
    deviceForm->addRow(saveDevices);
    layout->addWidget(devices);
    layout->addStretch();

    connect(add, &QPushButton::clicked, this, &AdminScreen::addUser);
    connect(remove, &QPushButton::clicked, this, [this] {
        const auto rows = m_users->selectionModel()->selectedRows();
        if (rows.isEmpty()) return;
        const QString name = m_users->item(rows.first().row(), 0)->text();
        if (QMessageBox::question(this, tr("Remove user"),
                                  tr("Remove %1? Their password will no longer open the store; their records and "
                                     "audit entries stay.")
                                      .arg(name)) == QMessageBox::Yes)
            removeUser(name);
    });
    connect(rekey, &QPushButton::clicked, this, &AdminScreen::rotateKey);
    connect(load, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Load a policy pack"), QString(), tr("Policy packs (*.json)"));
        if (!path.isEmpty()) loadPolicyFile(path);
    });
    connect(saveDevices, &QPushButton::clicked, this, &AdminScreen::saveDeviceSettings);
    connect(&m_ctx, &DeskContext::sessionStarted, this, &AdminScreen::refresh);
    refresh();
}

void AdminScreen::refresh() {
    if (m_ctx.busy()) return;
    const auto& pack = m_ctx.session().policy();
    m_policy->setText(tr("“%1” version %2 (BLAKE2b %3…)")
                          .arg(fromStd(pack.name()), fromStd(pack.version()), fromStd(pack.hash().substr(0, 16))));
    auto& settings = m_ctx.settings();
    m_device->setCurrentText(settings.value("devices/default").toString());
    m_resolution->setValue(settings.value("devices/resolution", 0).toInt());
    m_deskId->setText(settings.value("desk/id").toString());
    m_location->setText(settings.value("desk/location").toString());
    if (!m_ctx.may(privacy::Action::ManageUsers)) return;
    auto list = m_ctx.session().listUsers();
    m_users->setRowCount(0);
    if (!list) {
        m_ctx.reportError(list.error());
        return;
    }
    for (const auto& u : *list) {
        const int row = m_users->rowCount();
        m_users->insertRow(row);
        m_users->setItem(row, 0, new QTableWidgetItem(fromStd(u.name)));
        m_users->setItem(row, 1, new QTableWidgetItem(fromStd(std::string(privacy::roleName(u.role)))));
        m_users->setItem(row, 2, new QTableWidgetItem(fromStd(core::formatUtc(u.created))));
        m_users->setItem(row, 3, new QTableWidgetItem(u.active ? tr("yes") : tr("no (removed)")));
    }
}

void AdminScreen::addUser() {
    const QString name = m_name->text().trimmed();
    if (name.isEmpty() || m_password->text().isEmpty()) {
        m_ctx.setStatus(tr("Type the new user's name and password"));
        emit done(false);
        return;
    }
    if (m_password->text() != m_repeat->text()) {
        m_ctx.setStatus(tr("The passwords do not match"));
        m_password->clear();
        m_repeat->clear();
        emit done(false);
        return;
    }
    m_repeat->clear();
    auto password = std::make_shared<core::SecretBytes>(takeSecret(m_password));
    const auto role = static_cast<privacy::Role>(m_role->currentData().toInt());
    const std::string user = toStd(name);
    const auto kdf = m_ctx.kdf();
    auto status = std::make_shared<core::Status>();
    const bool started = m_ctx.runInBackground(
        tr("Adding the user (deriving their key)…"),
        [password, role, user, kdf, status](client::Session& session) {
            *status = session.addUser(user, role, *password, kdf);
            *password = core::SecretBytes{};
        },
        [this, status, name] {
            if (!*status) {
                m_ctx.reportError(status->error());
                emit done(false);
                return;
            }
            m_name->clear();
            m_ctx.setStatus(tr("User %1 added").arg(name));
            refresh();
            emit done(true);
        });
    if (!started) emit done(false);
}

bool AdminScreen::removeUser(const QString& name) {
    if (auto s = m_ctx.session().removeUser(toStd(name)); !s) {
        m_ctx.reportError(s.error());
        return false;
    }
    m_ctx.setStatus(tr("User %1 removed: their key slot is gone").arg(name));
    refresh();
    return true;
}

bool AdminScreen::loadPolicyFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_ctx.setStatus(tr("The policy pack cannot be read (file_not_found)"));
        return false;
    }
    if (file.size() > kMaxPolicyBytes) {
        m_ctx.setStatus(tr("The policy pack is larger than 1 MiB (policy_invalid)"));
        return false;
    }
    const QByteArray text = file.readAll();
    if (auto s = m_ctx.session().loadPolicy(std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
        !s) {
        m_ctx.reportError(s.error());
        return false;
    }
    m_ctx.setStatus(tr("Policy pack “%1” is in force").arg(fromStd(m_ctx.session().policy().name())));
    refresh();
    return true;
}

void AdminScreen::rotateKey() {
    auto status = std::make_shared<core::Status>();
    const bool started = m_ctx.runInBackground(
        tr("Re-encrypting the store under a new key…"),
        [status](client::Session& session) { *status = session.rekey(); },
        [this, status] {
            if (!*status) {
                m_ctx.reportError(status->error());
                emit done(false);
                return;
            }
            m_ctx.setStatus(tr("The store is encrypted under a new database key"));
            emit done(true);
        });
    if (!started) emit done(false);
}

void AdminScreen::saveDeviceSettings() {
    auto& settings = m_ctx.settings();
    settings.setValue("devices/default", m_device->currentText().trimmed());
    settings.setValue("devices/resolution", m_resolution->value());
    settings.setValue("desk/id", m_deskId->text().trimmed());
    settings.setValue("desk/location", m_location->text().trimmed());
    m_ctx.setStatus(tr("Desk settings saved"));
}

} // namespace secondline::desk
