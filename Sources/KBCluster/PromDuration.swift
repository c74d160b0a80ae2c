import Foundation

/// A Prometheus duration (`30s`, `15m`, `1h30m`, `2d`), as rule files and `for:` take it.
public struct PromDuration: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let seconds: Double

    static let units: [(String, Double)] = [("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1), ("ms", 0.001)]

    /// Prometheus' own grammar: units largest first, each at most once, integers only.
    public init?(_ s: String) {
        let text = s.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        var rest = Substring(text)
        var total = 0.0
        var nextUnit = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { $0.isASCII && $0.isLetter }
            guard let u = Self.units.indices.first(where: { $0 >= nextUnit && Self.units[$0].0 == String(letters) }) else { return nil }
            total += n * Self.units[u].1
            nextUnit = u + 1
            rest = rest.dropFirst(letters.count)
        }
        self.text = text
        self.seconds = total
    }

    public var description: String { text }
}
