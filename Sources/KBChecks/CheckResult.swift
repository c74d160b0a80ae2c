import Foundation
import KBCore

/// One line of a `kb check --run` or `kb doctor` report.
public struct CheckResult: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// check --run: the block did what it promises.
        case passed, failed, skipped
        /// doctor: healthy, problem present, could not check.
        case ok, problem, unknown
    }

    public var id: String
    /// Canonical id of the article holding the block.
    public var article: String
    /// example, check, lint
    public var kind: String
    public var status: Status
    public var message: String
    public var file: String
    public var line: Int
    public var column: Int = 1
    public var seconds: Double = 0
    /// Captured output (capped), for failures.
    public var output: String?
    /// Lint findings are errors or warnings.
    public var severity: String?

    public init(id: String, article: String, kind: String, status: Status, message: String, file: String, line: Int,
                column: Int = 1, seconds: Double = 0, output: String? = nil, severity: String? = nil) {
        self.id = id
        self.article = article
        self.kind = kind
        self.status = status
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.seconds = seconds
        self.output = output
        self.severity = severity
    }

    public var location: String { "\(file):\(line):\(column)" }
}

