/// A rule of kb: the stable id printed in `[brackets]` after every diagnostic, its default
/// severity and what it finds. Every rule is declared once, in the catalogue below; a diagnostic
/// names one (`.error(message, rule: .danglingReference, at: …)`), never a string.
///
/// A few rules are families whose members are named by the tool that finds them: `shellcheck/SC2086`,
/// `advice/setx-path` (KBChecks' AdviceRule table), `kb/example-failed`.
public struct Rule: Hashable, Sendable, Codable, CustomStringConvertible {
    public let id: String
    /// What kb reports by default; a lenient (compat) KB lowers some errors to warnings.
    public let severity: Diagnostic.Severity
    /// One line: what the rule finds.
    public let summary: String

    init(_ id: String, _ severity: Diagnostic.Severity, _ summary: String) {
        self.id = id
        self.severity = severity
        self.summary = summary
    }

    public var description: String { id }

    // Identity is the id: a family member rebuilt from JSON equals the one reported.
    public static func == (a: Rule, b: Rule) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    public init(from decoder: any Decoder) throws {
        let id = try decoder.singleValueContainer().decode(String.self)
        guard let rule = Rule.named(id) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown rule '\(id)'"))
        }
        self = rule
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(id)
    }

    /// The rule with this id, family members included.
    public static func named(_ id: String) -> Rule? {
        if let rule = byID[id] ?? renamed[id] { return rule }
        if let code = id.dropPrefix(shellcheckFamily.id) { return shellcheck(code) }
        if let name = id.dropPrefix(adviceFamily.id) { return advice(name, summary: adviceFamily.summary) }
        if id.hasPrefix("kb/"), id.hasSuffix("-failed") { return blockFailed(kind: String(id.dropFirst(3).dropLast(7))) }
        return nil
    }

    private static let byID = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    /// Former spellings of one fault, still read from a build cache written before the rename.
    private static let renamed: [String: Rule] = ["encoding": invalidUTF8, "container": nestingTooDeep]
}

private extension String {
    /// The rest after `family` ("shellcheck/*" → "shellcheck/"), when this id is a member.
    func dropPrefix(_ family: String) -> String? {
        let stem = family.hasSuffix("*") ? String(family.dropLast()) : family
        guard hasPrefix(stem), count > stem.count else { return nil }
        return String(dropFirst(stem.count))
    }
}

// MARK: - The catalogue

extension Rule {
    // Files, folders and the command line.
    public static let usage = Rule("usage", .error, "The command cannot start: no content folder, or a site kb did not build.")
    public static let io = Rule("io", .error, "A file or folder cannot be read, listed or written.")
    public static let invalidUTF8 = Rule("invalid-utf8", .error, "A text file (article, template, kb.yml, rule file) is not valid UTF-8.")
    public static let fileTooLarge = Rule("file-too-large", .error, "A file is over its size limit (articles 4 MiB, rule files 1 MiB).")
    public static let badFileName = Rule("bad-file-name", .error, "A file name holds a control or bidirectional-override character, or a part over 200 bytes.")
    public static let symlinkOutside = Rule("symlink-outside", .error, "A symbolic link in the content folder points outside it.")
    public static let outputUnsafe = Rule("output-unsafe", .error, "The output folder is one kb must not replace (the content, the KB root, a foreign folder).")
    public static let outputReadOnly = Rule("output-read-only", .error, "The output folder is read-only.")
    public static let buildLocked = Rule("build-locked", .error, "Another kb build on this KB did not finish in time.")

    // kb.yml and YAML.
    public static let config = Rule("config", .error, "kb.yml has an unknown or malformed setting.")
    public static let yaml = Rule("yaml", .error, "YAML does not parse, or gives a key twice.")
    public static let yamlLimit = Rule("yaml-limit", .error, "YAML over its limits (size, nesting, aliases).")

    // Front matter.
    public static let frontMatterType = Rule("front-matter-type", .error, "A front-matter value has the wrong shape (a list where a text belongs, …).")
    public static let frontMatterValue = Rule("front-matter-value", .error, "A front-matter value is not allowed (unknown kind or platform, bad date, empty error text).")
    public static let unknownKey = Rule("unknown-key", .error, "An unknown front-matter key (a warning on lenient foreign content).")
    public static let badID = Rule("bad-id", .error, "An id is not a slug [a-z0-9][a-z0-9-]*.")
    public static let badRegex = Rule("bad-regex", .error, "An error signature's regex does not compile.")
    public static let missingTitle = Rule("missing-title", .error, "An article with front matter has no title and no H1 (a warning on lenient foreign content).")
    public static let fillIn = Rule("fill-in", .warning, "A FILL IN: placeholder from `kb new` is still there.")

    // Markdown body.
    public static let nestingTooDeep = Rule("nesting-too-deep", .error, "Markdown, shortcodes or admonitions nested deeper than kb follows.")
    public static let tableTooWide = Rule("table-too-wide", .error, "A table has more columns than kb renders.")
    public static let shortcode = Rule("shortcode", .error, "A foreign shortcode is not closed.")
    public static let unknownShortcode = Rule("unknown-shortcode", .warning, "A foreign shortcode kb does not know: only its inner content is shown.")
    public static let shortcodeData = Rule("shortcode-data", .warning, "A foreign shortcode reads site data kb does not have: not rendered.")

    // Code blocks.
    public static let blockRole = Rule("block-role", .error, "A code block's role is misspelt (check, fix, example, output).")
    public static let blockAttribute = Rule("block-attribute", .error, "A code block attribute is unknown, repeated, empty, out of range or missing.")
    public static let blockReference = Rule("block-reference", .error, "A fix's or output's for= does not name a check or example.")
    public static let exampleWithoutOutput = Rule("example-without-output", .warning, "An example has no output block after it: its output is not checked.")
    public static let diagramTooLarge = Rule("diagram-too-large", .error, "A dot or mermaid block is over its size or statement limit.")
    public static let unsafeURL = Rule("unsafe-url", .error, "A link or diagram URL has a scheme kb does not allow (a warning on lenient foreign content).")

    // References and links.
    public static let duplicateID = Rule("duplicate-id", .error, "Two articles of one language, or two blocks, share an id.")
    public static let ambiguousReference = Rule("ambiguous-reference", .error, "A short id names several articles: use the canonical id.")
    public static let danglingReference = Rule("dangling-reference", .error, "A reference names no article.")
    public static let brokenLink = Rule("broken-link", .error, "A body link leads to no article or file (a warning on lenient foreign content).")
    public static let brokenAnchor = Rule("broken-anchor", .error, "A link's #anchor is no heading of its target (a warning on lenient foreign content).")
    public static let linkOutside = Rule("link-outside", .error, "A link leaves the content folder (a warning on lenient foreign content).")
    public static let requiresCycle = Rule("requires-cycle", .error, "Articles require each other in a cycle.")
    public static let wrongKind = Rule("wrong-kind", .warning, "causes:, fixes: or detects= names an article of another kind.")
    public static let translationDrift = Rule("translation-drift", .warning, "A translation's kind, ids, errors, causes, checks or fixes differ from the original.")

    // Completeness (the last four only with strict: true).
    public static let symptomWithoutCause = Rule("symptom-without-cause", .warning, "A symptom lists no causes.")
    public static let causeWithoutCheck = Rule("cause-without-check", .warning, "A cause has no check block (and, without strict, no fix either).")
    public static let runbookWithoutAlert = Rule("runbook-without-alert", .warning, "A runbook names no alerts.")
    public static let symptomWithoutErrors = Rule("symptom-without-errors", .warning, "A symptom lists no error texts.")
    public static let causeWithoutFix = Rule("cause-without-fix", .warning, "A cause has no fix block and no fixes:.")
    public static let missingSource = Rule("missing-source", .warning, "An article cites no sources.")

    // kb check.
    public static let platformCommand = Rule("platform-command", .warning, "A block claims a platform where a command it runs does not exist.")
    public static let pwshParse = Rule("pwsh-parse", .error, "PowerShell's own parser rejects a block.")
    public static let notLinted = Rule("not-linted", .note, "A block no linter here could check (the reason is named).")
    public static let run = Rule("run", .error, "A program (a block, a linter, Graphviz) could not be started.")
    public static let updated = Rule("updated", .note, "kb check --update rewrote this file's output blocks.")
    public static let shellcheckFamily = Rule("shellcheck/*", .warning, "A finding of shellcheck in an sh or bash block; its errors are errors in check, fix and example blocks.")
    public static let adviceFamily = Rule("advice/*", .error, "Dangerous advice in a code block; the rest of the id names the command.")
    public static let blockFailedFamily = Rule("kb/*-failed", .error, "A block run by kb check --run failed (SARIF only: kb/example-failed, kb/check-failed).")

    // Site.
    public static let template = Rule("template", .error, "A template is missing, does not parse, or includes a missing partial.")
    public static let diagram = Rule("diagram", .warning, "A diagram is not drawn (Graphviz missing, or the source does not parse).")

    // Alert rules.
    public static let rules = Rule("rules", .error, "A Prometheus rule file is malformed, or repeats a group name.")
    public static let rulesRunbook = Rule("rules-runbook", .warning, "A declared alert has no runbook in this KB.")

    // kb build.
    public static let build = Rule("build", .error, "A build step failed.")
    public static let cache = Rule("cache", .warning, "The build cache is unavailable: everything is rebuilt.")

    /// `shellcheck/SC2086`.
    public static func shellcheck(_ code: String) -> Rule {
        Rule("shellcheck/" + code, shellcheckFamily.severity, shellcheckFamily.summary)
    }

    /// `advice/<name>`, one per entry of KBChecks' AdviceRule table.
    public static func advice(_ name: String, summary: String) -> Rule {
        Rule("advice/" + name, adviceFamily.severity, summary)
    }

    /// `kb/<kind>-failed`: the SARIF rule of a failed example or check run.
    public static func blockFailed(kind: String) -> Rule {
        Rule("kb/\(kind)-failed", blockFailedFamily.severity, blockFailedFamily.summary)
    }

    /// Every rule, in the order `kb check --list-rules` and docs/rules.md show them; the families
    /// appear once each under their pattern.
    public static let all: [Rule] = [
        usage, io, invalidUTF8, fileTooLarge, badFileName, symlinkOutside, outputUnsafe, outputReadOnly, buildLocked,
        config, yaml, yamlLimit,
        frontMatterType, frontMatterValue, unknownKey, badID, badRegex, missingTitle, fillIn,
        nestingTooDeep, tableTooWide, shortcode, unknownShortcode, shortcodeData,
        blockRole, blockAttribute, blockReference, exampleWithoutOutput, diagramTooLarge, unsafeURL,
        duplicateID, ambiguousReference, danglingReference, brokenLink, brokenAnchor, linkOutside, requiresCycle, wrongKind, translationDrift,
        symptomWithoutCause, causeWithoutCheck, runbookWithoutAlert, symptomWithoutErrors, causeWithoutFix, missingSource,
        platformCommand, pwshParse, notLinted, run, updated, shellcheckFamily, adviceFamily, blockFailedFamily,
        template, diagram,
        rules, rulesRunbook,
        build, cache,
    ]
}
