import Foundation
import GentleCore

/// Where gentle keeps its files, following the XDG base directory spec.
public struct XDGPaths: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public var home: String {
        if let h = environment["HOME"], !h.isEmpty { return h }
        return NSHomeDirectory()
    }

    private func base(_ variable: String, fallback: String) -> String {
        // The spec says relative paths in these variables are invalid and must be ignored.
        if let v = environment[variable], v.hasPrefix("/") { return v }
        return home + "/" + fallback
    }

    public var configHome: String { base("XDG_CONFIG_HOME", fallback: ".config") }
    public var stateHome: String { base("XDG_STATE_HOME", fallback: ".local/state") }

    /// `$XDG_CONFIG_HOME/gentle/config.toml`
    public var defaultConfigFile: String { configHome + "/gentle/config.toml" }
    /// `$XDG_STATE_HOME/gentle`
    public var defaultStateDirectory: String { stateHome + "/gentle" }

    /// Expands a leading `~/` against `$HOME`.
    public func expandTilde(_ path: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + String(path.dropFirst(1)) }
        return path
    }
}
