import Foundation
import KBCore

/// The components blocks may need (`needs=etcd`): where they are, and which environment
/// variables point at them.
///
/// - `kb check --run` runs such a block only when the caller provides the component
///   (`--provide etcd`, or `KB_PROVIDE=etcd,kubernetes`), and then passes its variables into the
///   sandbox (`ETCD*` for etcd); otherwise the block is skipped and named with the reason. CI
///   never runs cluster checks against whatever happens to be installed.
/// - `kb doctor` also detects them (a known client on PATH or its variable set): a check whose
///   component is not here is "not applicable", not "could not check".
public struct Components: Sendable {
    public struct Detection: Sendable {
        /// Clients on PATH that mean the component is here…
        public var executables: [String]
        /// …variables that point at it (any one set is enough)…
        public var environment: [String]
        /// …and prefixes of the variables passed into a sandbox.
        public var prefixes: [String]
        /// With a client found, one of these files must exist too (a kubeconfig: kubectl alone
        /// on a laptop is no cluster). Empty: the client is enough. `~` is the home folder.
        public var files: [String] = []
    }

    public static let known: [String: Detection] = [
        "etcd": Detection(executables: ["etcdctl"], environment: ["ETCDCTL_ENDPOINTS"], prefixes: ["ETCD"],
                          files: ["/etc/kubernetes/manifests/etcd.yaml", "/etc/kubernetes/pki/etcd/ca.crt", "/etc/default/etcd", "/etc/etcd"]),
        "kubernetes": Detection(executables: ["kubectl"], environment: ["KUBECONFIG"], prefixes: ["KUBE"],
                                files: ["~/.kube/config", "/etc/kubernetes/admin.conf", "/etc/kubernetes/kubelet.conf",
                                        "/var/run/secrets/kubernetes.io/serviceaccount/token"]),
        "prometheus": Detection(executables: [], environment: ["PROMETHEUS_URL"], prefixes: ["PROMETHEUS"]),
        "otel-collector": Detection(executables: ["otelcol", "otelcol-contrib"], environment: ["OTELCOL_METRICS_URL"], prefixes: ["OTELCOL", "OTEL_"]),
        "node-exporter": Detection(executables: ["prometheus-node-exporter", "node_exporter"], environment: ["NODE_EXPORTER_URL"], prefixes: ["NODE_EXPORTER"]),
        "device-gateway": Detection(executables: [], environment: ["GATEWAY_ADDR", "GATEWAY_INGRESS"], prefixes: ["GATEWAY"]),
        "mqtt-broker": Detection(executables: ["mosquitto"], environment: ["MQTT_ADDR"], prefixes: ["MQTT"]),
    ]

    /// Components the caller says are there.
    public var provided: Set<String>

    public init(provided: Set<String> = Components.fromEnvironment()) { self.provided = provided }

    /// `KB_PROVIDE=etcd,kubernetes`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Set<String> {
        Set((env["KB_PROVIDE"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    /// How a reader makes `name` count as present: the variable to set.
    public static func hint(_ name: String) -> String {
        let d = detection(name)
        let ways = d.environment.map { "set \($0)" } + ["KB_PROVIDE=\(name)"]
        return ways.joined(separator: ", or ")
    }

    static func detection(_ name: String) -> Detection {
        known[name] ?? Detection(executables: [name], environment: [], prefixes: [name.uppercased().replacingOccurrences(of: "-", with: "_")])
    }

    /// What `needs` lacks: for a sandboxed run, all that was not provided; live, all that was
    /// neither provided nor detected on this machine.
    public func missing(_ needs: [String], live: Bool, path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        needs.filter { name in
            if provided.contains(name) { return false }
            guard live else { return true }
            let d = Self.detection(name)
            if d.environment.contains(where: { !(environment[$0] ?? "").isEmpty }) { return false }
            guard d.executables.contains(where: { Executable.find([$0], path: path, fallback: false) != nil }) else { return true }
            let home = environment["HOME"] ?? NSHomeDirectory()
            return !d.files.isEmpty && !d.files.contains {
                FileManager.default.fileExists(atPath: $0.hasPrefix("~/") ? home + $0.dropFirst(1) : $0)
            }
        }
    }

    /// The caller's variables that belong to provided components (`ETCDCTL_ENDPOINTS` for etcd),
    /// passed into the sandbox.
    public func environment(for needs: [String], from env: [String: String]) -> [String: String] {
        let prefixes = needs.filter(provided.contains).flatMap { Self.detection($0).prefixes }
        return env.filter { key, _ in prefixes.contains { key.hasPrefix($0) } }
    }
}
