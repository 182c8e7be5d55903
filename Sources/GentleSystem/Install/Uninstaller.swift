import Foundation

/// `gentle uninstall`: stops and disables the service, removes the unit and the binary it
/// starts, and keeps the config and the event log unless `purge` is set.
public struct Uninstaller {
    public var layout: InstallLayout
    public var purge: Bool
    public var systemctl: Systemctl
    public var progress: (String) -> Void

    public init(layout: InstallLayout, purge: Bool, systemctl: Systemctl, progress: @escaping (String) -> Void) {
        self.layout = layout
        self.purge = purge
        self.systemctl = systemctl
        self.progress = progress
    }

    /// Returns warnings: steps that could not be done but did not stop the rest (no systemctl,
    /// no user manager).
    public func uninstall() throws(InstallError) -> [String] {
        var warnings: [String] = []
        let unitText = (try? String(contentsOfFile: layout.unitFile, encoding: .utf8))
        let binary = unitText.flatMap { UserUnit.binary(inUnit: $0, home: layout.home) } ?? layout.binary

        do {
            // disable --now stops it too; a unit that was never loaded is not an error here.
            let output = try systemctl.call(["disable", "--now", InstallLayout.unitName])
            if output.status == 0 {
                progress(Installer.row("service", InstallLayout.unitName, "stopped and disabled"))
            }
        } catch {
            warnings.append(Self.notStopped(error))
        }

        if try InstallFiles.remove(layout.unitFile) {
            progress(Installer.row("unit", layout.display(layout.unitFile), "removed"))
        }
        if purge, try InstallFiles.removeTree(layout.dropInDirectory) {
            progress(Installer.row("drop-ins", layout.display(layout.dropInDirectory), "removed"))
        }
        if warnings.isEmpty {
            _ = try? systemctl.call(["daemon-reload"])
            _ = try? systemctl.call(["reset-failed", InstallLayout.unitName])
        }

        // Only ever a file called gentle: the unit may have been edited to start something else.
        if (binary as NSString).lastPathComponent == "gentle", try InstallFiles.remove(binary) {
            progress(Installer.row("binary", layout.display(binary), "removed"))
        }

        if purge {
            if try InstallFiles.removeTree(layout.configDirectory) {
                progress(Installer.row("config", layout.display(layout.configDirectory), "removed"))
            }
            if try InstallFiles.removeTree(layout.stateDirectory) {
                progress(Installer.row("log", layout.display(layout.stateDirectory), "removed"))
            }
        } else {
            if FileManager.default.fileExists(atPath: layout.configFile) {
                progress(Installer.row("config", layout.display(layout.configFile), "kept; --purge removes it"))
            }
            if FileManager.default.fileExists(atPath: layout.stateDirectory) {
                progress(Installer.row("log", layout.display(layout.stateDirectory), "kept; --purge removes it"))
            }
        }
        return warnings
    }

    static func notStopped(_ error: InstallError) -> String {
        switch error {
        case .systemctlMissing:
            return "systemctl was not found, so no service was stopped; if gentle still runs, stop it yourself"
        case let .userManagerUnavailable(detail, _):
            return "cannot reach your systemd user manager (\(detail)), so gentle.service was not stopped or disabled; run `systemctl --user disable --now gentle` from a normal login session"
        default:
            return "gentle.service was not stopped or disabled: \(error)"
        }
    }
}
