import Foundation

/// The user unit as installed: the embedded `systemd/gentle.service` with `ExecStart=` pointing at
/// the binary that was installed, and the reverse, for `gentle uninstall`.
public enum UserUnit {
    /// The unit text for `binary`. The template's `%h/.local/bin/gentle` stays when that is where
    /// the binary went (so the file still works if the home directory moves); any other location
    /// is written out in full, escaped for systemd.
    public static func render(binary: String, home: String, template: String = EmbeddedFiles.userUnit) throws(InstallError) -> String {
        var lines = template.components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.hasPrefix("ExecStart=") }) else {
            throw .unitTemplateBroken("it has no ExecStart= line")
        }
        lines[index] = "ExecStart=" + executable(binary, home: home) + " run"
        return lines.joined(separator: "\n")
    }

    /// `%h/.local/bin/gentle` or the path escaped as one ExecStart= word.
    static func executable(_ binary: String, home: String) -> String {
        if binary == home + "/.local/bin/gentle" { return "%h/.local/bin/gentle" }
        return quote(binary)
    }

    /// One ExecStart= word: `%` and `$` doubled (specifiers, variables); double quotes with
    /// backslash escapes when the path has blanks, quotes or backslashes.
    static func quote(_ path: String) -> String {
        let escaped = path.replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$")
        let needsQuotes = escaped.contains { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "\\" || $0 == ";" }
        guard needsQuotes else { return escaped }
        let inner = escaped.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"" + inner + "\""
    }

    /// The program an installed unit starts, read back from its `ExecStart=` line as `render`
    /// writes it; nil when the line is missing or not in that form.
    public static func binary(inUnit text: String, home: String) -> String? {
        guard let line = text.components(separatedBy: "\n").first(where: { $0.hasPrefix("ExecStart=") }) else { return nil }
        var rest = Substring(line.dropFirst("ExecStart=".count))
        var word = ""
        if rest.first == "\"" {
            rest = rest.dropFirst()
            var closed = false
            while let c = rest.popFirst() {
                if c == "\\", let next = rest.popFirst() { word.append(next); continue }
                if c == "\"" { closed = true; break }
                word.append(c)
            }
            guard closed else { return nil }
        } else {
            word = String(rest.prefix { !$0.isWhitespace })
        }
        if word.hasPrefix("%h/") { word = home + word.dropFirst(2) }
        word = word.replacingOccurrences(of: "%%", with: "%").replacingOccurrences(of: "$$", with: "$")
        return word.hasPrefix("/") ? word : nil
    }
}
