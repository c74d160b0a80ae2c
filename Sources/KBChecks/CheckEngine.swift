import Foundation
import KBContent
import KBCore

/// `kb check --run`: lints every shell block and runs the runnable ones in a sandbox, proving the
/// KB's commands still do what the articles say.
public struct CheckEngine: Sendable {
    public var runner = BlockRunner(mode: .sandboxed)
    public var lint = ShellLint()
    public var jobs = ProcessInfo.processInfo.activeProcessorCount * 2
    public var runBlocks = true

    public init() {}

    public struct Summary: Sendable, Codable, Equatable {
        public var run = 0
        public var passed = 0
        public var failed = 0
        public var skipped = 0
        public var linted = 0
        public var notLinted = 0
        public var lintErrors = 0
        public var lintWarnings = 0
    }

    public struct Report: Sendable {
        public var results: [CheckResult]
        public var summary: Summary
        /// Why each skipped or unlinted block was passed over, by block location.
        public var lintDiagnostics: [Diagnostic]
        /// Examples whose output drifted, for `--update`.
        public var drift: [Drift]
    }

    /// An example whose output is not what its output block says.
    public struct Drift: Sendable {
        /// The output block and the text it should now hold.
        public var output: Block
        public var actual: String
        /// The example's (failed) result, an index into `Report.results`.
        public var result: Int
    }

    /// Stands in for a `ci=skip` block in the lint batch: a language no linter takes.
    static let unlintable: Block = {
        var d: [Diagnostic] = []
        return InfoString.parse("text", code: "", fenceLine: "", location: SourceLocation(path: "", line: 0, column: 0), diagnostics: &d)
    }()

    struct Job: Sendable {
        var article: Int
        var block: Int
    }

    public func run(_ graph: KnowledgeGraph) -> Report {
        let jobsList: [Job] = graph.articles.indices.flatMap { i in
            graph.articles[i].blocks.indices.filter { graph.articles[i].blocks[$0].role != .output }.map { Job(article: i, block: $0) }
        }
        let runner = self.runner, runBlocks = self.runBlocks
        let lintable = jobsList.map { graph.articles[$0.article].blocks[$0.block] }
        let verdicts = lint.lintAll(lintable.map { $0.ci == .skip ? Self.unlintable : $0 })
        let outcomes: [(CheckResult?, ShellLint.Verdict, (Block, String)?)] = concurrentMap(Array(jobsList.indices), jobs: jobs) { n in
            let job = jobsList[n]
            let a = graph.articles[job.article]
            let block = a.blocks[job.block]
            let verdict = verdicts[n]
            guard runBlocks, let role = block.role, role == .example || role == .check else { return (nil, verdict, nil) }
            let base = CheckResult(id: block.id ?? "", article: a.canonicalID, kind: role.rawValue, status: .skipped,
                                   message: "", file: block.location.path, line: block.location.line)
            if block.ci == .skip { return (with(base, .skipped, "ci=skip"), verdict, nil) }
            if block.ci == .lint { return (with(base, .skipped, "ci=lint: linted, not run"), verdict, nil) }
            switch runner.run(block) {
            case .skipped(let why), .notApplicable(let why):
                return (with(base, .skipped, why), verdict, nil)
            case .ran(let out):
                var r = base
                r.seconds = out.seconds
                if role == .check {
                    switch (out.timedOut, out.status) {
                    case (true, _): r = with(r, .failed, "timed out after \(format(block.timeout)) (process group killed)")
                    case (false, 0?), (false, 1?): r = with(r, .passed, "exit \(out.status!) (\(out.status! == 0 ? "healthy" : "problem present") here)")
                    case (false, let s?): r = with(r, .failed, "exit \(s): a check exits 0 or 1; anything else means it could not check")
                    default: r = with(r, .failed, "killed by signal \(out.signal ?? 0)")
                    }
                    if r.status == .failed { r.output = excerpt(out) }
                    return (r, verdict, nil)
                }
                // An example: compare with its output block when it has one.
                let expected = a.blocks.dropFirst(job.block + 1).first { $0.role == .output && $0.forID?.id == block.id }
                if out.timedOut {
                    r = with(r, .failed, "timed out after \(format(block.timeout)) (process group killed)")
                    r.output = excerpt(out)
                    return (r, verdict, nil)
                }
                let actual = out.stdout + out.stderr
                guard let expected else {
                    r = out.status == 0 ? with(r, .passed, "exit 0 (no output block to compare)") : with(r, .failed, "exit \(out.status ?? -1)")
                    if r.status == .failed { r.output = excerpt(out) }
                    return (r, verdict, nil)
                }
                if Expectation.matches(actual, expected: expected.code, mode: expected.match) {
                    return (with(r, .passed, "output matches (\(expected.match.rawValue))"), verdict, nil)
                }
                r = with(r, .failed, "output differs from the output block at line \(expected.location.line) (match=\(expected.match.rawValue))")
                r.output = diff(expected: expected.code, actual: actual)
                return (r, verdict, (expected, actual))
            }
        }
        var summary = Summary()
        var results: [CheckResult] = []
        var lintDiags: [Diagnostic] = []
        var drift: [Drift] = []
        for (n, (result, verdict, d)) in outcomes.enumerated() {
            let job = jobsList[n]
            let block = graph.articles[job.article].blocks[job.block]
            if let result {
                results.append(result)
                switch result.status {
                case .passed: summary.run += 1; summary.passed += 1
                case .failed: summary.run += 1; summary.failed += 1
                default: summary.skipped += 1
                }
            }
            switch verdict {
            case .findings(let f):
                summary.linted += 1
                lintDiags += f
                summary.lintErrors += f.errorCount
                summary.lintWarnings += f.warningCount
            case .notLinted(let why):
                summary.notLinted += 1
                lintDiags.append(.note("not linted: \(why)", rule: .notLinted, at: block.location))
            case .notApplicable: break
            }
            if let d { drift.append(Drift(output: d.0, actual: d.1, result: results.count - 1)) }
        }
        return Report(results: results, summary: summary, lintDiagnostics: lintDiags, drift: drift)
    }

    private func with(_ r: CheckResult, _ status: CheckResult.Status, _ message: String) -> CheckResult {
        var r = r
        r.status = status
        r.message = message
        return r
    }

    func excerpt(_ out: RunOutput) -> String {
        let text = (out.stdout + out.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(20).joined(separator: "\n") + (out.truncated > 0 ? "\n… \(out.truncated) bytes dropped" : "")
    }

    func diff(expected: String, actual: String) -> String {
        let e = Expectation.normalise(expected).split(separator: "\n", omittingEmptySubsequences: false)
        let a = Expectation.normalise(actual).split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(e.count, a.count) where out.count < 24 {
            let x = i < e.count ? String(e[i]) : nil, y = i < a.count ? String(a[i]) : nil
            if x == y { out.append("  " + (x ?? "")) } else {
                if let x { out.append("- " + x) }
                if let y { out.append("+ " + y) }
            }
        }
        return out.joined(separator: "\n")
    }
}

func format(_ seconds: Double) -> String {
    seconds < 1 ? "\(Int(seconds * 1000))ms" : (seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.1fs", seconds))
}
