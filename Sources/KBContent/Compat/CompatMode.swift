import Foundation
import KBCore

/// The generator a docs folder was written for. Set by `compat:` in kb.yml or detected from the
/// generator's own config file beside the content; it decides how foreign front matter, Markdown
/// extensions and links are read.
public enum CompatMode: String, Sendable, Hashable, Codable, CaseIterable {
    case hugo, mkdocs, docusaurus, obsidian

    /// Config files that identify each generator, checked in the content folder and up to three
    /// folders above it (Hugo keeps `content/en` two levels below `hugo.toml`).
    static let markers: [(String, CompatMode)] = [
        ("hugo.toml", .hugo), ("hugo.yaml", .hugo), ("hugo.yml", .hugo), ("hugo.json", .hugo),
        ("config.toml", .hugo), ("config.yaml", .hugo), ("config.yml", .hugo),
        ("mkdocs.yml", .mkdocs), ("mkdocs.yaml", .mkdocs),
        ("docusaurus.config.js", .docusaurus), ("docusaurus.config.ts", .docusaurus),
        ("docusaurus.config.mjs", .docusaurus), ("sidebars.js", .docusaurus), ("sidebars.ts", .docusaurus),
        (".obsidian", .obsidian),
    ]

    /// The mode and the file that gave it away, or nil for a folder of plain Markdown.
    /// - Parameter stopAt: the highest folder to look in (a KB's own root: a generator config
    ///   above a kb.yml belongs to some other project).
    public static func detect(contentDirectory: String, stopAt: String? = nil, fileSystem fs: FileSystem) -> (CompatMode, String)? {
        var dir = contentDirectory
        for _ in 0..<4 {
            if let stopAt, !(dir == stopAt || dir.hasPrefix(stopAt.hasSuffix("/") ? stopAt : stopAt + "/")) { break }
            for (name, mode) in markers where fs.exists(dir + "/" + name) {
                // A bare config.* is Hugo's only beside its content/ folder.
                if name.hasPrefix("config."), !fs.isDirectory(dir + "/content") { continue }
                return (mode, dir + "/" + name)
            }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir || parent.isEmpty { break }
            dir = parent
        }
        return nil
    }
}
