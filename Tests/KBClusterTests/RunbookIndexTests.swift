import KBCluster
import KBContent
import Testing

@Suite struct RunbookIndexTests {
    let graph = ClusterFixtures.graph(ClusterFixtures.runbooks)

    func resolved(_ input: String, lang: String? = nil) -> [String] {
        let index = RunbookIndex(graph: graph, lang: lang)
        return index.resolve(input).map { graph.articles[$0.article].path }
    }

    @Test func alertsFrontMatterAnyCase() {
        #expect(resolved("etcdHighFsyncDurations") == ["edge/etcd-slow-disk.md"])
        #expect(resolved("ETCDHIGHCOMMITDURATIONS") == ["edge/etcd-slow-disk.md"])
        #expect(resolved("etcdhighfsyncdurations", lang: "zh") == ["edge/etcd-slow-disk.zh.md"])
        let m = RunbookIndex(graph: graph).resolve("etcdhighcommitdurations")
        #expect(m.first?.alert == "etcdHighCommitDurations")
        #expect(m.first?.via == .alerts)
    }

    @Test func upstreamURLsResolve() {
        #expect(resolved("https://runbooks.prometheus-operator.dev/runbooks/etcd/etcdhighfsyncdurations/") == ["edge/etcd-slow-disk.md"])
        #expect(resolved("https://example.org/runbook.md#alert-name-kbcheckfailing") == ["edge/kb-check-failing.md"])
        #expect(resolved("https://kb.example.org/alerts/KBCheckFailing.html") == ["edge/kb-check-failing.md"])
    }

    @Test func upstreamFolderByFileNamePrefersTheComponent() {
        #expect(resolved("kubepodcrashlooping") == ["upstream/general/KubePodCrashLooping.md", "upstream/kubernetes/KubePodCrashLooping.md"])
        #expect(resolved("https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping")
            == ["upstream/kubernetes/KubePodCrashLooping.md", "upstream/general/KubePodCrashLooping.md"])
        #expect(RunbookIndex(graph: graph).resolve("KubePodCrashLooping").first?.via == .fileName)
    }

    @Test func siteArticleURLResolvesToTheArticle() {
        let index = RunbookIndex(graph: graph)
        let m = index.resolve("https://kb.example.org/kb/zh/node/disk-full.html")
        #expect(m.map(\.via) == [.article])
        #expect(m.first.map { graph.articles[$0.article].path } == "node/disk-full.md")
    }

    @Test func unknownAlertHasNoRunbookButASuggestion() {
        let index = RunbookIndex(graph: graph)
        #expect(index.resolve("KubeNodeNotReady").isEmpty)
        #expect(index.suggestion(for: "etcdHighFsyncDuration") == "etcdHighFsyncDurations")
    }

    @Test func listsEveryDeclaredAlertOnce() {
        let index = RunbookIndex(graph: graph)
        #expect(index.alerts.map(\.alert) == ["etcdHighCommitDurations", "etcdHighFsyncDurations", "KBCheckFailing"])
        #expect(index.alertPath("KBCheckFailing") == "alerts/KBCheckFailing.html")
        #expect(RunbookIndex(graph: graph, lang: "zh").alertPath("KBCheckFailing") == "zh/alerts/KBCheckFailing.html")
    }

    @Test func firstFixPrefersTheCheck() throws {
        let index = RunbookIndex(graph: graph)
        let disk = try #require(graph.article(canonical: "node/disk-full", lang: "en"))
        #expect(index.firstFix(disk, check: "disk-check")?.id == "disk-fix-for-check")
        #expect(index.firstFix(disk)?.id == "disk-fix-generic")
        let r = index.runbook(RunbookIndex.Match(article: disk, alert: "KBCheckFailing", via: .article), check: "disk-check")
        #expect(r.url == "node/disk-full.html")
        #expect(r.alertURL == nil)
        #expect(r.show == "kb show disk-full")
        #expect(r.fix?.admin == true)
    }

    @Test func firstFixOfUpstreamRunbookIsUnderMitigation() throws {
        let index = RunbookIndex(graph: graph)
        let i = try #require(graph.article(canonical: "upstream/kubernetes/KubePodCrashLooping", lang: "en"))
        let fix = try #require(index.firstFix(i))
        #expect(fix.heading == "Mitigation")
        #expect(fix.code == "kubectl logs --previous\n")
        #expect(fix.url == "upstream/kubernetes/KubePodCrashLooping.html#mitigation")
        #expect(index.runbook(index.resolve("https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping")[0]).show == "kb show upstream/kubernetes/KubePodCrashLooping")
        // The other copy has no fix section.
        let other = try #require(graph.article(canonical: "upstream/general/KubePodCrashLooping", lang: "en"))
        #expect(index.firstFix(other) == nil)
    }

    @Test func statusJoinsKBCheckFailingWithTheChecksArticle() throws {
        let index = RunbookIndex(graph: graph)
        let s = index.status(alert: "KBCheckFailing", state: "firing",
                             labels: ["alertname": "KBCheckFailing", "check": "disk-check", "article": "node/disk-full", "severity": "critical"],
                             annotations: ["summary": "kb check disk-check reports a problem"], since: nil)
        #expect(s.runbook?.canonicalID == "node/disk-full")
        #expect(s.runbook?.fix?.id == "disk-fix-for-check")
        #expect(s.alertRunbook?.canonicalID == "edge/kb-check-failing")
        #expect(s.labels["alertname"] == nil)
        #expect(s.severity == "critical")
        #expect(s.message == "kb check disk-check reports a problem")

        let upstream = index.status(alert: "SomethingElse", state: "firing", labels: ["alertname": "SomethingElse"],
                                    annotations: ["runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping"], since: nil)
        #expect(upstream.runbook?.canonicalID == "upstream/kubernetes/KubePodCrashLooping")
        let none = index.status(alert: "Nope", state: "firing", labels: [:], annotations: [:], since: nil)
        #expect(none.runbook == nil)
    }
}
