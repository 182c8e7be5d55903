import Foundation

/// Finds time-zone rules on disk the way glibc and systemd do: `/usr/share/zoneinfo/NAME` for a
/// zone name, `$TZ` (or `/etc/localtime`) for the local zone. The only I/O of the calendar engine;
/// loaded zones are cached for the life of the process.
public enum ZoneDirectory {
    /// Where systemd's `timezone_is_valid` looks, whatever `$TZDIR` says.
    public static let systemdZoneDirectory = "/usr/share/zoneinfo"

    /// The zone systemd accepts as a calendar suffix: a name made of letters, digits, `-`, `_`,
    /// `+` and single `/`, naming a regular TZif file under `/usr/share/zoneinfo`. Nil otherwise.
    public static func zone(named name: String) -> ZoneRules? {
        guard isWellFormedZoneName(name) else { return nil }
        return cache.rules(forPath: systemdZoneDirectory + "/" + name, name: name)
    }

    /// systemd's character rules for a zone name (before it looks at the file).
    static func isWellFormedZoneName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes[0] != UInt8(ascii: "/"), bytes.count < 4096 else { return false }
        var previousSlash = false
        for c in bytes {
            let ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: "+") || c == UInt8(ascii: "/")
            guard ok else { return false }
            if c == UInt8(ascii: "/") {
                if previousSlash { return false }
                previousSlash = true
            } else {
                previousSlash = false
            }
        }
        return !previousSlash
    }

    /// The local zone as glibc resolves `TZ`: unset means `/etc/localtime`, empty means
    /// `Universal`, a leading `:` is dropped, a relative name is looked up under `$TZDIR` (or
    /// `/usr/share/zoneinfo`), and anything that is not a zone file is read as a POSIX rule string.
    public static func localZone(environment: [String: String] = ProcessInfo.processInfo.environment) -> ZoneRules {
        guard var tz = environment["TZ"] else {
            return cache.rules(forPath: "/etc/localtime", name: "localtime")
                ?? ZoneRules(fixedOffset: 0, abbreviation: "UTC", name: "UTC")
        }
        if tz.isEmpty { tz = "Universal" }
        if tz.hasPrefix(":") { tz.removeFirst() }
        if !tz.isEmpty {
            let directory = environment["TZDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? systemdZoneDirectory
            let path = tz.hasPrefix("/") ? tz : directory + "/" + tz
            if let rules = cache.rules(forPath: path, name: tz) { return rules }
        }
        if let posix = PosixTimeZone(parsing: tz) { return ZoneRules(name: tz, posix: posix) }
        return ZoneRules(fixedOffset: 0, abbreviation: "", name: tz)
    }

    /// Rules for a Foundation `TimeZone`: its tz database file when there is one, else its
    /// current fixed offset.
    public static func rules(for timeZone: TimeZone) -> ZoneRules {
        if isWellFormedZoneName(timeZone.identifier),
           let rules = cache.rules(forPath: systemdZoneDirectory + "/" + timeZone.identifier, name: timeZone.identifier) {
            return rules
        }
        return ZoneRules(fixedOffset: timeZone.secondsFromGMT(), abbreviation: timeZone.abbreviation() ?? "",
                         name: timeZone.identifier)
    }

    private static let cache = ZoneCache()
}

/// Loaded zones by path; a miss is remembered too. Zone files change only with tzdata updates,
/// which a long-running daemon picks up at its next start.
private final class ZoneCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: ZoneRules?] = [:]

    func rules(forPath path: String, name: String) -> ZoneRules? {
        lock.lock()
        if let hit = entries[path] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        let loaded = ZoneCache.load(path: path, name: name)
        lock.lock()
        entries[path] = loaded
        lock.unlock()
        return loaded
    }

    private static func load(path: String, name: String) -> ZoneRules? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path),
              let contents = try? TZifReader.parse(Array(data)) else { return nil }
        return ZoneRules(name: name, tzif: contents)
    }
}
