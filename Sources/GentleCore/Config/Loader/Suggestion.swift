/// "Did you mean …?" for misspelt keys, channels, actions, zones and names.
enum Suggestion {
    /// The candidate closest to `word`, if it is close enough to be a likely typo. Case, `-`
    /// versus `_`, and a trailing plural `s` don't count as differences.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let target = normalized(word)
        guard !target.isEmpty else { return nil }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let d = distance(target, normalized(candidate))
            if best.map({ d < $0.distance }) ?? true { best = (candidate, d) }
        }
        guard let best else { return nil }
        let allowed = max(1, min(3, target.count / 3))
        return best.distance <= allowed ? best.candidate : nil
    }

    /// `; did you mean "x"?` or an empty string.
    static func clause(for word: String, in candidates: [String]) -> String {
        closest(to: word, in: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
    }

    private static func normalized(_ s: String) -> [Character] {
        var chars = Array(s.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
        if chars.count > 3, chars.last == "s" { chars.removeLast() }
        return chars
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    /// neighbours each cost one.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            previous2 = previous
            previous = current
        }
        return previous[b.count]
    }
}
