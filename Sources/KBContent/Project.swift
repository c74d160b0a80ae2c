import Foundation
import KBCore

/// Where a KB lives: the folder with `kb.yml` or `Content/`, its content folder and settings.
public struct Project: Sendable {
    public var root: String
    public var contentDirectory: String
    public var config: KBConfig
    public var configPath: String?

    /// Finds the KB: `--content DIR` if given (its kb.yml, or its parent's), else from `start`
    /// upward the first folder with `kb.yml` or `Content/`.
    public static func discover(content: String?, from start: String = FileManager.default.currentDirectoryPath,
                                fileSystem fs: FileSystem = LocalFileSystem()) throws(DiagnosticError) -> Project {
        var project = try locate(content: content, from: start, fileSystem: fs)
        project.adoptGenerator(fileSystem: fs)
        return project
    }

    static func locate(content: String?, from start: String, fileSystem fs: FileSystem) throws(DiagnosticError) -> Project {
        if let content {
            let dir = absolute(content, from: start)
            guard fs.isDirectory(dir) else {
                throw DiagnosticError(.error("content folder not found: \(content)", rule: .usage, at: nil))
            }
            for candidate in [dir, (dir as NSString).deletingLastPathComponent] {
                let yml = candidate + "/kb.yml"
                if fs.exists(yml) {
                    var config = try loadConfig(yml, fs: fs)
                    // A kb.yml beside the content folder names it; one inside it is the content root.
                    if candidate != dir { config.content = nil }
                    return Project(root: candidate, contentDirectory: dir, config: config, configPath: yml)
                }
            }
            return Project(root: dir, contentDirectory: dir, config: KBConfig(), configPath: nil)
        }
        var dir = absolute(start, from: start)
        while true {
            let yml = dir + "/kb.yml"
            if fs.exists(yml) {
                let config = try loadConfig(yml, fs: fs)
                let contentDir = config.content.map { absolute($0, from: dir) }
                    ?? (fs.isDirectory(dir + "/Content") ? dir + "/Content" : dir)
                return Project(root: dir, contentDirectory: contentDir, config: config, configPath: yml)
            }
            if fs.isDirectory(dir + "/Content") {
                return Project(root: dir, contentDirectory: dir + "/Content", config: KBConfig(), configPath: nil)
            }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir || parent.isEmpty { break }
            dir = parent
        }
        throw DiagnosticError(.error("no knowledge base here: no kb.yml or Content/ in this folder or above; use --content DIR",
                                     rule: .usage, at: nil))
    }

    static func loadConfig(_ path: String, fs: FileSystem) throws(DiagnosticError) -> KBConfig {
        let bytes: [UInt8]
        do { bytes = try fs.read(path) } catch {
            throw DiagnosticError(.error("cannot read kb.yml", rule: .io, at: SourceLocation(path: path, line: 1, column: 1)))
        }
        let text = try SourceText.decode(bytes, path: displayPath(path))
        return try KBConfig.parse(text, path: displayPath(path))
    }

    public static func absolute(_ path: String, from base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    /// A path as shown in messages: relative to the current folder when under it.
    public static func displayPath(_ absolutePath: String) -> String { Paths.display(absolutePath) }
}
