/// One finding about the input: printed `path:line:col: error: message [rule]`.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible, Error {
    public enum Severity: String, Sendable, Codable, Comparable {
        case note, warning, error
        private var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    public var message: String
    /// The rule it breaks, from the catalogue (`Rule`): printed as its id, e.g. `dangling-reference`.
    public var rule: Rule
    public var location: SourceLocation?

    public init(_ severity: Severity, _ message: String, rule: Rule, at location: SourceLocation?) {
        self.severity = severity
        self.message = message
        self.rule = rule
        self.location = location
    }

    public static func error(_ message: String, rule: Rule, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.error, message, rule: rule, at: location)
    }

    public static func warning(_ message: String, rule: Rule, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.warning, message, rule: rule, at: location)
    }

    public static func note(_ message: String, rule: Rule, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.note, message, rule: rule, at: location)
    }

    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue): \(message) [\(rule.id)]"
    }
}

extension Diagnostic {
    /// Read from `BinaryCodec`'s bytes of its `Codable` form, in its fields' order (the rule by
    /// its id, as `Rule` encodes itself).
    public init(binary r: inout BinaryCodec.Input) throws {
        let severity = try r.rawValue(Severity.self), message = try r.string()
        try r.single()
        let id = try r.string()
        guard let rule = Rule.named(id) else { throw r.corrupt("unknown rule '\(id)'") }
        self.init(severity, message, rule: rule, at: try r.optional { try SourceLocation(binary: &$0) })
    }
}

/// Thrown when input cannot be used at all; carries the diagnostics that say why.
public struct DiagnosticError: Error, CustomStringConvertible, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

extension Array where Element == Diagnostic {
    public var errorCount: Int { filter { $0.severity == .error }.count }
    public var warningCount: Int { filter { $0.severity == .warning }.count }
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line and column; unlocated ones last.
    public func sortedByLocation() -> [Diagnostic] {
        sorted { a, b in
            switch (a.location, b.location) {
            case let (x?, y?): return x != y ? x < y : a.message < b.message
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return a.message < b.message
            }
        }
    }
}
