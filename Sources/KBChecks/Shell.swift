import Foundation
import KBContent
import KBCore

/// The shells kb can run blocks with, found on this machine.
public struct Shell: Sendable, Hashable {
    public var name: String
    public var path: String
    public var fileExtension: String
    /// Arguments that run a script file.
    public var arguments: @Sendable (String) -> [String]

    public static func == (a: Shell, b: Shell) -> Bool { a.path == b.path && a.name == b.name }
    public func hash(into h: inout Hasher) { h.combine(path) }

    /// This machine's OS as `os=` names it.
    public static var currentOS: String {
        #if os(Windows)
        return "windows"
        #elseif os(macOS)
        return "macos"
        #else
        return "linux"
        #endif
    }

    /// The shell for a block language, or why there is none here.
    public enum Found: Sendable {
        case found(Shell)
        case missing(String)
    }

    public static func find(for language: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> Found {
        func which(_ names: [String]) -> String? { Executable.find(names, path: path) }
        switch language {
        case "sh", "shell":
            return which(["sh"]).map { .found(Shell(name: "sh", path: $0, fileExtension: "sh", arguments: { [$0] })) } ?? .missing("no sh on PATH")
        case "bash":
            return which(["bash"]).map { .found(Shell(name: "bash", path: $0, fileExtension: "sh", arguments: { [$0] })) } ?? .missing("no bash on PATH")
        case "zsh":
            return which(["zsh"]).map { .found(Shell(name: "zsh", path: $0, fileExtension: "zsh", arguments: { [$0] })) } ?? .missing("no zsh on PATH")
        case "pwsh":
            return which(["pwsh"]).map {
                .found(Shell(name: "pwsh", path: $0, fileExtension: "ps1",
                               arguments: { ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", $0] }))
            } ?? .missing("no pwsh on PATH")
        case "powershell", "ps1":
            // Windows PowerShell 5.1: only on Windows; pwsh is a different language version.
            return which(["powershell.exe", "powershell"]).map {
                .found(Shell(name: "powershell", path: $0, fileExtension: "ps1",
                               arguments: { ["-NoLogo", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File", $0] }))
            } ?? .missing("Windows PowerShell 5.1 is not on this machine")
        case "cmd", "bat":
            return which(["cmd.exe"]).map { .found(Shell(name: "cmd", path: $0, fileExtension: "bat", arguments: { ["/d", "/c", $0] })) }
                ?? .missing("cmd.exe is not on this machine")
        default:
            return .missing("'\(language)' is not a shell kb runs")
        }
    }
}
