import Foundation
import GentleCore

/// Loads a config file the way `gentle check` and the daemon both do: read it safely, validate
/// it, then apply the rules for secrets on disk. All problems come back together, in file order.
public struct ConfigFile: Sendable {
    public var paths: XDGPaths

    public init(paths: XDGPaths = XDGPaths()) {
        self.paths = paths
    }

    public func load(_ path: String) throws(ConfigErrors) -> GentleConfig {
        try loadDocument(path).config
    }

    public func loadDocument(_ path: String) throws(ConfigErrors) -> LoadedConfig {
        let contents = try ConfigFileReader.read(path)
        let text = try ConfigLoader.decode(bytes: contents.bytes, path: path)
        let loaded = try ConfigLoader.loadDocument(text: text, path: path)
        let problems = SecretFileRules(paths: paths).problems(in: loaded, configPath: path, configMode: contents.mode)
        guard problems.isEmpty else { throw ConfigErrors(problems) }
        return loaded
    }

    /// For the daemon: `Daemon(…, loadConfig: ConfigFile().loader, …)`.
    public var loader: ConfigLoading {
        let file = self
        return { path in try file.load(path) }
    }
}
