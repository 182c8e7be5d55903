/// What a check-in email says, as plain text and as a small HTML page: the check-in, its prompt,
/// and the `gentle reply` lines that answer it. Kind wording: nothing is counted, nothing piles up.
public struct EmailContent: Sendable, Equatable {
    public var plainText: String
    public var html: String

    public init(_ delivery: Delivery) {
        let commands = EmailContent.replyCommands(delivery)
        var text = [delivery.title, "", delivery.body]
        if let ask = delivery.ask, !ask.isEmpty { text += ["", ask] }
        if !commands.isEmpty {
            text += ["", "When you have a moment, you can answer from your computer:", ""]
            let width = commands.map { $0.label.count }.max() ?? 0
            for command in commands {
                let padding = String(repeating: " ", count: width - command.label.count)
                text.append("  \(command.label):\(padding)  \(command.line)")
            }
            if delivery.ask != nil { text += ["", "The note in quotes is optional."] }
        }
        text += ["", EmailContent.letItGo, "", "-- ", "gentle"]
        plainText = text.joined(separator: "\n") + "\n"

        var page = [
            "<!DOCTYPE html>",
            "<html><head><meta charset=\"utf-8\"><title>\(escape(delivery.title))</title></head>",
            "<body style=\"font-family: sans-serif; line-height: 1.5; max-width: 36em\">",
            "<h2 style=\"font-weight: normal\">\(escape(delivery.title))</h2>",
            "<p>\(escape(delivery.body).replacingOccurrences(of: "\n", with: "<br>\n"))</p>",
        ]
        if let ask = delivery.ask, !ask.isEmpty { page.append("<p><em>\(escape(ask))</em></p>") }
        if !commands.isEmpty {
            page.append("<p>When you have a moment, you can answer from your computer:</p>")
            page.append("<table>")
            for command in commands {
                page.append("<tr><td>\(escape(command.label))</td><td><code>\(escape(command.line))</code></td></tr>")
            }
            page.append("</table>")
        }
        page.append("<p style=\"color: #666\">\(escape(EmailContent.letItGo))</p>")
        page.append("</body></html>")
        html = page.joined(separator: "\n") + "\n"
    }

    static let letItGo = "Or let it go. Nothing is counted and nothing piles up."

    /// One `gentle reply` line per action; the first gets a note when the check-in asks for one.
    static func replyCommands(_ delivery: Delivery) -> [(label: String, line: String)] {
        delivery.actions.enumerated().map { index, action in
            var line = "gentle reply \(delivery.occurrence.text) \(action.key)"
            if index == 0, delivery.ask != nil { line += " \"your note\"" }
            return (action.label, line)
        }
    }
}

private func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}
