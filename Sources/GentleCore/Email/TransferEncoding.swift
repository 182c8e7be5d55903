import Foundation

/// Content-Transfer-Encoding for a UTF-8 body part. The result is 7-bit ASCII in lines of at most
/// 76 characters joined by CRLF, so it passes any relay and never needs 8BITMIME.
enum TransferEncoding: String, Sendable {
    case quotedPrintable = "quoted-printable"
    case base64

    /// Quoted-printable while it stays shorter than base64: it triples each escaped byte, so it
    /// wins while fewer than one byte in six needs escaping (accented Latin text, not emoji walls).
    static func choose(for bytes: [UInt8]) -> TransferEncoding {
        let escaped = bytes.reduce(0) { $0 + ($1 >= 0x80 || $1 == 0x3D ? 1 : 0) }
        return escaped * 6 > bytes.count ? .base64 : .quotedPrintable
    }

    func encode(_ text: String) -> String {
        switch self {
        case .quotedPrintable: return TransferEncoding.quotedPrintable(text)
        case .base64: return TransferEncoding.base64(text)
        }
    }

    /// RFC 2045 §6.7 over text lines (any of CRLF, LF or CR ends a line). A `.` opening an encoded
    /// line is written `=2E`, so even a transport that forgets SMTP dot-stuffing cannot end or
    /// alter the message there.
    static func quotedPrintable(_ text: String) -> String {
        var out: [String] = []
        for line in lines(of: text) {
            var current = ""
            var currentLength = 0
            let bytes = Array(line.utf8)
            for (index, b) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                var token: String
                if (b >= 0x21 && b <= 0x7E && b != 0x3D) || ((b == 0x20 || b == 0x09) && !isLast) {
                    token = String(Unicode.Scalar(b))
                } else {
                    token = "=" + Hex.byte(b)
                }
                // Keep room for the "=" of a soft line break.
                if currentLength + token.utf8.count > 75 {
                    out.append(current + "=")
                    current = ""
                    currentLength = 0
                }
                if currentLength == 0 && token == "." { token = "=2E" }
                current += token
                currentLength += token.utf8.count
            }
            out.append(current)
        }
        return out.joined(separator: "\r\n")
    }

    static func base64(_ text: String) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        var out: [Substring] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            out.append(encoded[start..<end])
            start = end
        }
        return out.joined(separator: "\r\n")
    }

    /// Splits on CRLF, LF or CR, so whatever line ends the text used, CRLF comes out.
    static func lines(of text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousWasCR { lines.append(current); current = "" }
                previousWasCR = false
            } else if scalar == "\r" {
                lines.append(current)
                current = ""
                previousWasCR = true
            } else {
                current.unicodeScalars.append(scalar)
                previousWasCR = false
            }
        }
        lines.append(current)
        return lines
    }
}
