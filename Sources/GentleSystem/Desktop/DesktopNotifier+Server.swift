import Dispatch
import Foundation
import GentleCore
import Logging

/// Following the notification server: bus connection, name owner, capabilities, activation.
extension DesktopNotifier {
    public func busConnected(_ connection: BusConnection) {
        guard !isShutDown else { return }
        self.connection = connection
        do {
            signalSlots = try [
                matchSignal("ActionInvoked", on: connection) { [weak self] in self?.actionInvoked($0) },
                matchSignal("NotificationClosed", on: connection) { [weak self] in self?.notificationClosed($0) },
                matchSignal("NotificationReplied", on: connection) { [weak self] in self?.notificationReplied($0) },
            ]
            ownerWatcher = try NameOwnerWatcher(name: Self.serviceName, connection: connection,
                                                timeout: options.callTimeout) { [weak self] old, new in
                self?.ownerChanged(from: old, to: new)
            }
        } catch {
            logger.error("cannot watch the notification server", metadata: ["error": "\(error)"])
            return
        }
        connection.listActivatableNames(timeout: options.callTimeout) { [weak self] result in
            guard let self, self.connection === connection else { return }
            self.serverActivatable = (try? result.get().contains(Self.serviceName)) ?? false
            self.updateAvailability()
            self.activateServerIfPossible()
        }
    }

    public func busDisconnected(_ error: BusError?) {
        connection = nil
        ownerWatcher = nil
        signalSlots.removeAll()
        activationInFlight = false
        let previous = server?.name
        server = nil
        capabilityCache.removeAll()
        if let previous { serverLost(previous, reason: "the session bus connection was lost") }
        if !held.isEmpty { announceHeld(reason: "not connected to the session bus") }
        updateAvailability()
    }

    private func matchSignal(_ member: String, on connection: BusConnection,
                             handler: @escaping (BusMessage) -> Void) throws -> BusSlot {
        // The sender in the rule makes the bus filter broadcasts; unicast signals get through
        // regardless, which is why every handler checks the sender again.
        try connection.addMatch(BusMatchRule(sender: Self.serviceName, path: Self.objectPath,
                                             interface: Self.interface, member: member), handler: handler)
    }

    private func ownerChanged(from old: String?, to new: String?) {
        if let old {
            if server?.name == old { server = nil }
            capabilityCache[old] = nil
            serverLost(old, reason: "the notification server went away")
        }
        if let new {
            activationInFlight = false
            logger.debug("notification server present", metadata: ["bus.name": "\(new)"])
            learnCapabilities(of: new)
        } else if let reason = noServerReason() {
            announceHeld(reason: reason)
        }
        updateAvailability()
        if new == nil { activateServerIfPossible() }
    }

    /// Everything shown by `serverName` vanished with it: unanswered, so hold it again.
    private func serverLost(_ serverName: String, reason: String) {
        let lost = shown.filter { $0.value.server == serverName }
        for (id, entry) in lost.sorted(by: { $0.key < $1.key }) {
            shown[id] = nil
            held.append(HeldDelivery(delivery: entry.delivery, announced: true, since: Date()))
            sink(.held(entry.delivery.occurrence, .desktop, reason: reason))
        }
        if !lost.isEmpty {
            logger.notice("notifications lost with their server; holding them",
                          metadata: ["count": "\(lost.count)", "bus.name": "\(serverName)"])
        }
        armStaleTimer()
    }

    private func learnCapabilities(of serverName: String) {
        if let cached = capabilityCache[serverName] {
            serverReady(serverName, cached)
            return
        }
        guard let connection else { return }
        connection.call(destination: serverName, path: Self.objectPath, interface: Self.interface,
                        member: "GetCapabilities", timeout: options.callTimeout) { [weak self] result in
            guard let self, self.ownerWatcher?.owner == serverName else { return }
            let capabilities: NotificationCapabilities
            switch result {
            case .success(let reply):
                if let names = reply.arguments.first?.stringArray, reply.signature == "as" {
                    capabilities = NotificationCapabilities(Set(names))
                } else {
                    self.logger.warning("GetCapabilities answered oddly; assuming no buttons",
                                        metadata: ["signature": "\(reply.signature)"])
                    capabilities = NotificationCapabilities(["body"])
                }
            case .failure(let error):
                // The spec makes GetCapabilities mandatory; a server that fails it still gets
                // notifications, worded for a server without buttons.
                self.logger.warning("GetCapabilities failed; assuming no buttons", metadata: ["error": "\(error)"])
                capabilities = NotificationCapabilities(["body"])
            }
            self.capabilityCache[serverName] = capabilities
            self.serverReady(serverName, capabilities)
        }
        connection.call(destination: serverName, path: Self.objectPath, interface: Self.interface,
                        member: "GetServerInformation", timeout: options.callTimeout) { [weak self] result in
            guard let self, case .success(let reply) = result else { return }
            let fields = reply.arguments.compactMap(\.stringValue)
            self.logger.info("notification server", metadata: [
                "bus.name": "\(serverName)", "server": "\(fields.first ?? "?") \(fields.count > 2 ? fields[2] : "")",
            ])
        }
    }

    private func serverReady(_ serverName: String, _ capabilities: NotificationCapabilities) {
        guard ownerWatcher?.owner == serverName else { return }
        server = (serverName, capabilities)
        if !capabilities.actions {
            logger.notice("the notification server shows no buttons; notifications explain `gentle reply` instead",
                          metadata: ["bus.name": "\(serverName)"])
        }
        graceTimer?.cancel()
        graceTimer = nil
        updateAvailability()
        flushHeld()
    }

    /// With nobody owning the name but the bus able to start a server on demand (e.g. Debian's
    /// dunst package), ask it to — only when something waits, and not again soon after a failure
    /// (outside a graphical session the server cannot start).
    func activateServerIfPossible() {
        guard let connection, serverActivatable, !activationInFlight, !held.isEmpty,
              ownerWatcher?.known == true, ownerWatcher?.owner == nil, !activationFailedRecently else { return }
        activationInFlight = true
        logger.info("starting the notification server by D-Bus activation")
        // Starting a program can take a while; give it more time than an ordinary call.
        connection.startServiceByName(Self.serviceName, timeout: max(options.callTimeout, 25)) { [weak self] result in
            guard let self, self.connection === connection else { return }
            self.activationInFlight = false
            if case .failure(let error) = result {
                self.lastActivationFailure = Date()
                self.logger.warning("could not start the notification server", metadata: ["error": "\(error)"])
                self.announceHeld(reason: "no notification server, and starting one failed: \(error)")
            }
            self.updateAvailability()
        }
        updateAvailability()
    }
}
