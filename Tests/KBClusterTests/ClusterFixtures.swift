import Foundation
import KBContent

/// Small in-memory KBs: Markdown by path → a resolved graph, no disk.
enum ClusterFixtures {
    static func graph(_ files: [String: String], config: KBConfig = KBConfig()) -> KnowledgeGraph {
        let parser = ArticleParser(config: config)
        let articles = files.map { path, text in
            parser.parse(bytes: Array(text.utf8), path: path, displayPath: "Content/" + path).article
        }
        return KnowledgeGraph(config: config, articles: articles)
    }

    static let runbooks: [String: String] = [
        "edge/etcd-slow-disk.md": """
        ---
        title: etcd's disk is too slow
        kind: runbook
        summary: etcd waits too long for its disk.
        alerts: [etcdHighFsyncDurations, etcdHighCommitDurations]
        severity: warning
        ---

        # etcd's disk is too slow

        ```sh fix id=move-etcd-disk effect=mutates admin=true
        mount /dev/nvme1n1 /var/lib/etcd
        ```
        """,
        "edge/etcd-slow-disk.zh.md": """
        ---
        title: etcd 的磁盘太慢
        kind: runbook
        summary: etcd 等待磁盘太久。
        alerts: [etcdHighFsyncDurations, etcdHighCommitDurations]
        severity: warning
        ---

        # etcd 的磁盘太慢

        ```sh fix id=move-etcd-disk effect=mutates admin=true
        mount /dev/nvme1n1 /var/lib/etcd
        ```
        """,
        "edge/kb-check-failing.md": """
        ---
        title: "KBCheckFailing: a kb check reports a problem"
        kind: runbook
        summary: Open the article of the failing check.
        alerts: [KBCheckFailing]
        ---

        # KBCheckFailing

        ```sh fix id=rerun-doctor effect=mutates
        kb doctor
        ```
        """,
        "node/disk-full.md": """
        ---
        title: The data disk is full
        kind: cause
        summary: Less than 10% free.
        severity: critical
        fixes: [clean-journal]
        ---

        # The data disk is full

        ```sh check id=disk-check
        exit 1
        ```

        ```sh fix id=disk-fix-generic effect=mutates
        du -sh /var/* | sort -h
        ```

        ```sh fix id=disk-fix-for-check for=disk-check effect=mutates admin=true
        journalctl --vacuum-size=200M
        ```
        """,
        "node/clean-journal.md": """
        ---
        title: Shrink the journal
        kind: fix
        summary: Keep 200 MB of logs.
        ---

        # Shrink the journal

        ```sh fix id=vacuum effect=mutates
        journalctl --vacuum-size=200M
        ```
        """,
        "upstream/kubernetes/KubePodCrashLooping.md": """
        # KubePodCrashLooping

        ## Meaning

        Pod is in CrashLoop.

        ## Diagnosis

        ```shell
        kubectl describe pod
        ```

        ## Mitigation

        ```shell
        kubectl logs --previous
        ```
        """,
        "upstream/general/KubePodCrashLooping.md": """
        # KubePodCrashLooping (general copy)

        Another folder's copy.
        """,
    ]
}
