import Foundation
import GentleCore

/// `gentle install`: binary, unit and (only if absent) config into place, then the unit enabled
/// and (re)started in the user manager. Each finished step is reported through `progress` as it
/// happens, so a failure later on still leaves a clear account of what was done.
public struct Installer {
    public struct Options: Sendable {
        public var layout: InstallLayout
        /// The binary to install: the running one unless `--binary` names another.
        public var sourceBinary: String
        public var start: Bool

        public init(layout: InstallLayout, sourceBinary: String, start: Bool) {
            self.layout = layout
            self.sourceBinary = sourceBinary
            self.start = start
        }
    }

    /// What the install ended with, for the closing words.
    public struct Outcome: Sendable, Equatable {
        public var createdConfig: Bool
        /// The config's problems, when it does not load: the service was enabled but not started.
        public var configProblems: [String]
        public var started: Bool
        /// The service's `STATUS=` once started (`Next: "Breathe" at 14:30 (in 2h 5m)`).
        public var statusText: String?
    }

    public var options: Options
    public var systemctl: Systemctl
    public var paths: XDGPaths
    public var progress: (String) -> Void

    public init(options: Options, systemctl: Systemctl, paths: XDGPaths, progress: @escaping (String) -> Void) {
        self.options = options
        self.systemctl = systemctl
        self.paths = paths
        self.progress = progress
    }

    public func install() throws(InstallError) -> Outcome {
        let layout = options.layout
        try installBinary()
        try installUnit()
        let createdConfig = try installConfig()
        try InstallFiles.makeDirectories(layout.stateDirectory, mode: 0o700)
        progress(Self.row("log", layout.display(layout.stateDirectory + "/events.jsonl"), ""))

        let problems = configProblems()
        try systemctl.run(["daemon-reload"])
        try systemctl.run(["enable", InstallLayout.unitName])
        guard options.start, problems.isEmpty else {
            let why = problems.isEmpty ? "enabled; starts at your next login (or now: systemctl --user start gentle)"
                                       : "enabled, not started: the config needs a fix first"
            progress(Self.row("service", InstallLayout.unitName, why))
            return Outcome(createdConfig: createdConfig, configProblems: problems, started: false, statusText: nil)
        }
        // restart, not start: after an upgrade the running daemon must pick up the new binary.
        let restart = try systemctl.call(["restart", InstallLayout.unitName])
        guard restart.status == 0 else {
            let status = try? systemctl.call(["status", "--lines=0", "--full", InstallLayout.unitName])
            throw .serviceDidNotStart(output: status?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? restart.text)
        }
        let statusText = try? systemctl.call(["show", "--property=StatusText", "--value", InstallLayout.unitName])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        progress(Self.row("service", InstallLayout.unitName, "enabled and running"))
        return Outcome(createdConfig: createdConfig, configProblems: [], started: true,
                       statusText: statusText?.isEmpty == false ? statusText : nil)
    }

    private func installBinary() throws(InstallError) {
        let layout = options.layout
        guard FileManager.default.isExecutableFile(atPath: options.sourceBinary) else {
            throw .binaryNotFound(options.sourceBinary)
        }
        try InstallFiles.makeDirectories((layout.binary as NSString).deletingLastPathComponent)
        if InstallFiles.sameFile(options.sourceBinary, layout.binary) {
            progress(Self.row("binary", layout.display(layout.binary), "already in place"))
            return
        }
        try InstallFiles.copy(options.sourceBinary, to: layout.binary, mode: 0o755)
        progress(Self.row("binary", layout.display(layout.binary), "copied from " + layout.display(options.sourceBinary)))
    }

    private func installUnit() throws(InstallError) {
        let layout = options.layout
        let text = try UserUnit.render(binary: layout.binary, home: layout.home)
        try InstallFiles.makeDirectories(layout.unitDirectory)
        let existed = FileManager.default.fileExists(atPath: layout.unitFile)
        let changed = try InstallFiles.write(text, to: layout.unitFile, mode: 0o644)
        progress(Self.row("unit", layout.display(layout.unitFile), !existed ? "written" : changed ? "updated" : "unchanged"))
    }

    private func installConfig() throws(InstallError) -> Bool {
        let layout = options.layout
        try InstallFiles.makeDirectories(layout.configDirectory, mode: 0o700)
        // 0600: the config may come to hold an SMTP password.
        let created = try InstallFiles.createIfAbsent(EmbeddedFiles.exampleConfig, at: layout.configFile, mode: 0o600)
        progress(Self.row("config", layout.display(layout.configFile), created ? "new, from the example: make it yours" : "kept yours"))
        return created
    }

    private func configProblems() -> [String] {
        do {
            _ = try ConfigFile(paths: paths).load(options.layout.configFile)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    static func row(_ label: String, _ path: String, _ note: String) -> String {
        let padded = label.padding(toLength: 8, withPad: " ", startingAt: 0)
        return "  " + padded + " " + path + (note.isEmpty ? "" : "  (" + note + ")")
    }
}
