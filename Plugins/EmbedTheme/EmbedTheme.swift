import Foundation
import PackagePlugin

/// Compiles the repository's `Templates/` into the target it is applied to (KBSite), as
/// `DefaultTheme.files` (relative path → text), so the kb binary carries its default theme and the
/// repository holds no generated source. Every file under `Templates/` is an input of the command,
/// so editing one regenerates the source; adding or removing one changes the command itself.
@main
struct EmbedTheme: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let templates = context.package.directoryURL.appending(path: "Templates")
        let output = context.pluginWorkDirectoryURL.appending(path: "DefaultTheme.swift")
        return [.buildCommand(
            displayName: "Embedding the default theme from Templates/",
            executable: try context.tool(named: "EmbedThemeTool").url,
            arguments: [templates.path(percentEncoded: false), output.path(percentEncoded: false)],
            inputFiles: try themeFiles(in: templates),
            outputFiles: [output]
        )]
    }

    /// The files the generator reads: every file below `folder` whose name, and whose folders'
    /// names, do not start with a dot.
    func themeFiles(in folder: URL) throws -> [URL] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                         options: [.skipsHiddenFiles]) else {
            throw EmbedThemeError("cannot read \(folder.path(percentEncoded: false))")
        }
        var files: [URL] = []
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            files.append(url)
        }
        guard !files.isEmpty else { throw EmbedThemeError("\(folder.path(percentEncoded: false)) holds no theme files") }
        return files.sorted { $0.path < $1.path }
    }
}

struct EmbedThemeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
