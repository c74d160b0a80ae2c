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
        public var executables: [String]
        public var environment: [String]
        public var prefixes: [String]
    }

    public static let known: [String: Detection] = [
        "etcd": Detection(executables: ["etcdctl"], environment: ["ETCDCTL_ENDPOINTS"], prefixes: ["ETCD"]),
        "kubernetes": Detection(executables: ["kubectl"], environment: ["KUBECONFIG"], prefixes: ["KUBE"]),
        "prometheus": Detection(executables: [], environment: ["PROMETHEUS_URL"], prefixes: ["PROMETHEUS"]),
        "otel-collector": Detection(executables: [], environment: ["OTELCOL_METRICS_URL"], prefixes: ["OTELCOL", "OTEL_"]),
        "node-exporter": Detection(executables: ["prometheus-node-exporter", "node_exporter"], environment: [], prefixes: ["NODE_EXPORTER"]),
    ]

    /// Components the caller says are there.
    public var provided: Set<String>

    public init(provided: Set<String> = Components.fromEnvironment()) { self.provided = provided }

    /// `KB_PROVIDE=etcd,kubernetes`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Set<String> {
        Set((env["KB_PROVIDE"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
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
            return !d.executables.contains { Executable.find($0, path: path) != nil }
        }
    }

    /// The caller's variables that belong to provided components (`ETCDCTL_ENDPOINTS` for etcd),
    /// passed into the sandbox.
    public func environment(for needs: [String], from env: [String: String]) -> [String: String] {
        let prefixes = needs.filter(provided.contains).flatMap { Self.detection($0).prefixes }
        return env.filter { key, _ in prefixes.contains { key.hasPrefix($0) } }
    }
}
