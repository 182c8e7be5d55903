/// Collects every problem found in one file, so the parent sees them all at once.
final class ConfigDiagnostics {
    let file: String
    let map: SourceMap
    private(set) var errors: [ConfigError] = []

    init(file: String, map: SourceMap) {
        self.file = file
        self.map = map
    }

    func add(_ position: SourcePosition?, _ message: String) {
        errors.append(ConfigError(file: file, at: position ?? .start, message: message))
    }

    var isEmpty: Bool { errors.isEmpty }
}
