import Foundation

/// The system's zone as it is right now. Foundation caches `TimeZone.current`, which would miss
/// a `timedatectl set-timezone` while the daemon runs, so this reads the sources itself.
enum SystemTimeZone {
    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> TimeZone {
        if let tz = environment["TZ"], !tz.isEmpty {
            let id = tz.hasPrefix(":") ? String(tz.dropFirst()) : tz
            if let zone = TimeZone(identifier: id) { return zone }
        }
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/localtime"),
           let range = target.range(of: "zoneinfo/") {
            if let zone = TimeZone(identifier: String(target[range.upperBound...])) { return zone }
        }
        if let name = try? String(contentsOfFile: "/etc/timezone", encoding: .utf8),
           let zone = TimeZone(identifier: name.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return zone
        }
        return TimeZone.current
    }
}
