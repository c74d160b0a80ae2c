import Foundation

/// A position in a source file, printed `path:line:col` (1-based, columns in characters).
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String { "\(path):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }
}

public enum Paths {
    /// A path as shown in messages: relative to the current folder when under it.
    public static func display(_ absolutePath: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        if absolutePath.hasPrefix(cwd + "/") { return String(absolutePath.dropFirst(cwd.count + 1)) }
        return absolutePath
    }
}

extension SourceLocation {
    /// Read from `BinaryCodec`'s bytes of its `Codable` form, in its fields' order.
    @inlinable public init(binary r: inout BinaryCodec.Input) throws {
        self.init(path: try r.string(), line: try r.int(), column: try r.int())
    }
}
