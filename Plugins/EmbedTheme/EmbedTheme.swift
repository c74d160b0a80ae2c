import Foundation
import PackagePlugin

/// Compiles the repository's `Templates/` into the target it is applied to (KBSite), as
/// `DefaultTheme.files` (relative path → text), so the kb binary carries its default theme and the
/// repository holds no generated source.
///
/// SwiftPM asks this plugin for its command only when it plans the build (a new clone, a changed
/// Package.swift, files added to a target), not on every build. So the command's inputs are every
/// file *and every folder* under `Templates/`: editing a file changes the file, and adding or
/// removing one changes its folder's modification time, and either reruns the generator, which
/// reads the folder afresh.
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

    /// `folder` and everything below it whose name does not start with a dot (what the generator
    /// reads, and the folders whose listing it depends on).
    func themeFiles(in folder: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil,
                                                          options: [.skipsHiddenFiles]) else {
            throw EmbedThemeError("cannot read \(folder.path(percentEncoded: false))")
        }
        var inputs: [URL] = []
        for case let url as URL in walker { inputs.append(url) }
        guard !inputs.isEmpty else { throw EmbedThemeError("\(folder.path(percentEncoded: false)) holds no theme files") }
        return [folder] + inputs.sorted { $0.path < $1.path }
    }
}

struct EmbedThemeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
