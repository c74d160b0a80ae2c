import Foundation

/// The one way kb finds a program: the first of `names` in the folders of `path`, then in the
/// usual system folders. Used for shells, linters, Graphviz, and by the tests.
public enum Executable {
    public static let fallbackFolders = ["/usr/local/bin", "/usr/bin", "/bin"]

    /// `fallback: false` looks in `path` alone (what a shell with that PATH would find).
    public static func find(_ names: [String], path: String? = ProcessInfo.processInfo.environment["PATH"], fallback: Bool = true) -> String? {
        let dirs = (path ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty } + (fallback ? fallbackFolders : [])
        for name in names {
            if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
            for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + name) { return dir + "/" + name }
        }
        return nil
    }

    public static func find(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        find([name], path: path)
    }
}
