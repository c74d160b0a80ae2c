import KBCluster
import Testing

@Suite struct AlertReferenceTests {
    @Test func bareNameIsKeptAsWritten() {
        #expect(AlertReference.parse("  KubeNodeNotReady \n") == AlertReference(name: "KubeNodeNotReady"))
    }

    @Test func upstreamShapes() {
        #expect(AlertReference.parse("https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping/")
            == AlertReference(name: "kubepodcrashlooping", component: "kubernetes"))
        #expect(AlertReference.parse("https://runbooks.prometheus-operator.dev/runbooks/etcd/etcdHighFsyncDurations")
            == AlertReference(name: "etcdHighFsyncDurations", component: "etcd"))
        // GitHub's copy: `runbooks` is also the repository name; the last one counts.
        #expect(AlertReference.parse("https://github.com/prometheus-operator/runbooks/blob/main/content/runbooks/kubernetes/KubePodCrashLooping.md")
            == AlertReference(name: "KubePodCrashLooping", component: "kubernetes"))
        #expect(AlertReference.parse("https://github.com/kubernetes-monitoring/kubernetes-mixin/tree/master/runbook.md#alert-name-kubenodenotready")
            == AlertReference(name: "kubenodenotready"))
        #expect(AlertReference.parse("#alert-name-kubeletdown") == AlertReference(name: "kubeletdown"))
        #expect(AlertReference.parse("/runbooks/node/NodeFilesystemAlmostOutOfSpace?x=1") ==
            AlertReference(name: "NodeFilesystemAlmostOutOfSpace", component: "node"))
    }

    @Test func ownSiteURLs() {
        #expect(AlertReference.parse("https://kb.example.org/alerts/KBCheckFailing.html") == AlertReference(name: "KBCheckFailing"))
        #expect(AlertReference.parse("https://kb.example.org/zh/alerts/kbcheckfailing.html") == AlertReference(name: "kbcheckfailing"))
        #expect(AlertReference.parse("https://kb.example.org/docs/edge/etcd-slow-disk.html#fix")
            == AlertReference(name: "etcd-slow-disk", path: "docs/edge/etcd-slow-disk"))
        #expect(AlertReference.parse("https://kb.example.org/edge/index.html") == AlertReference(name: "edge", path: "edge"))
    }
}
