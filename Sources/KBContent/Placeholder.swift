import Foundation
import KBCore

/// `kb new` writes "FILL IN: …" wherever the author still has to write; every one left is a
/// warning that says what to write, so a scaffold passes `kb check` with nothing but these.
public enum Placeholder {
    public static let marker = "FILL IN:"
    public static let rule = Rule.fillIn

    /// One warning per line that still holds the marker, at the marker.
    public static func diagnostics(in text: String, path: String) -> [Diagnostic] {
        guard text.contains(marker) else { return [] }
        var out: [Diagnostic] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let r = line.range(of: marker) else { continue }
            let what = line[r.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " \"'#*_-→>"))
            out.append(.warning("fill this in: \(what.isEmpty ? "this part of the article" : what)", rule: rule,
                                at: SourceLocation(path: path, line: n + 1, column: line.distance(from: line.startIndex, to: r.lowerBound) + 1)))
        }
        return out
    }
}
