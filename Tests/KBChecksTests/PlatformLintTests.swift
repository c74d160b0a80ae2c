import Foundation
import KBContent
import KBCore
import Testing
@testable import KBChecks

@Suite struct PlatformLintTests {
    @Test func aLinuxOnlyCommandInADefaultShBlockIsFlaggedAtItsLine() {
        let a = article("""
        Text.

        ```sh fix id=lower-io for=x
        pid=$(pgrep etcd)
        sudo ionice -c2 -n0 -p "$pid"   # best effort
        ```
        """)
        let d = PlatformLint.lint(a, config: KBConfig())
        #expect(d.map(\.description) == [
            "a.md:8:6: warning: 'ionice' exists only on linux, but this block also claims macos (its os= or the sh default); add os=linux [platform-command]",
        ])
    }

    @Test func aBlockThatSaysItsPlatformOrACommentIsNotFlagged() {
        let a = article("""
        ```sh fix id=lower-io os=linux
        ionice -c2 -n0 -p 1
        ```

        ```sh
        # systemctl restart kubelet   (a comment says anything)
        echo launchctl
        ```
        """)
        #expect(PlatformLint.lint(a, config: KBConfig()).isEmpty)
    }

    @Test func kbYmlAddsCommands() throws {
        let config = try KBConfig.parse("platform_commands:\n  macos: [mycorp-vpnctl]\n", path: "kb.yml")
        let a = article("```bash\nmycorp-vpnctl status | grep up && systemctl status x\n```\n")
        let d = PlatformLint.lint(a, config: config)
        #expect(d.count == 2)
        #expect(d.first?.message.hasPrefix("'mycorp-vpnctl' exists only on macos") == true)
        #expect(d.last?.location?.column == 35)
        // A platform kb does not know is an error at its position.
        #expect(throws: DiagnosticError.self) { try KBConfig.parse("platform_commands:\n  amiga: [x]\n", path: "kb.yml") }
    }

    @Test func titlesPerLanguage() throws {
        let config = try KBConfig.parse("title:\n  en: Ops KB\n  zh: 运维知识库\n", path: "kb.yml")
        #expect(config.title(for: "zh") == "运维知识库")
        #expect(config.title(for: "en") == "Ops KB")
        #expect(config.title == "Ops KB")
        #expect(try KBConfig.parse("title: One\n", path: "kb.yml").title(for: "zh") == "One")
    }
}
