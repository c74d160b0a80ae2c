import Foundation
import KBTesting
import Testing

/// scripts/package.sh end to end: the tarball's contents, the .deb installed into a Debian 12 root
/// made with debootstrap (kb --version, kb build on a fixture, man -w kb there), and the OCI image
/// inspected with skopeo. Needs root (chroot, mount) and the Debian mirror for debootstrap and the
/// .deb's dependencies; the Debian root is cached under .build-package/ so reruns are fast.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root: the .deb is installed into a chroot"),
       .enabled(if: ProcessInfo.processInfo.environment["KB_SKIP_PACKAGE_TESTS"] == nil, "KB_SKIP_PACKAGE_TESTS is set"))
struct PackageTests {
    struct Packaged: Sendable {
        var version: String
        var tarball: String
        var deb: String
        var layout: String
        var archive: String
        var seconds: Double
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    static let dist = TestSupport.packageRoot + "/dist"
    static let work = TestSupport.packageRoot + "/.build-package"

    /// scripts/package.sh, run once for the suite.
    static let packaged: Result<Packaged, Failure> = {
        let start = Date()
        let run: TestSupport.Run
        do { run = try TestSupport.run("/bin/bash", [TestSupport.packageRoot + "/scripts/package.sh"], cwd: TestSupport.packageRoot) } catch {
            return .failure(Failure(description: "scripts/package.sh did not start: \(error)"))
        }
        guard run.status == 0 else {
            return .failure(Failure(description: "scripts/package.sh exited \(run.status): \(run.stderr.suffix(3000))"))
        }
        let seconds = Date().timeIntervalSince(start)
        print("PackageTests: scripts/package.sh took \(Int(seconds)) s")
        let version = TestSupport.read(TestSupport.packageRoot + "/Sources/KBBuild/SiteBuilder.swift")
            .firstMatch(of: /static let version = "([^"]+)"/).map { String($0.1) } ?? "?"
        var arch = utsname()
        uname(&arch)
        let machine = withUnsafeBytes(of: &arch.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return .success(Packaged(version: version, tarball: dist + "/kb-\(version)-linux-\(machine).tar.gz",
                                 deb: dist + "/kb_\(version)_\(machine == "x86_64" ? "amd64" : machine == "aarch64" ? "arm64" : machine).deb",
                                 layout: dist + "/kb-\(version)-oci", archive: dist + "/kb-\(version)-oci.tar", seconds: seconds))
    }()

    func packaged() throws -> Packaged {
        switch Self.packaged {
        case .success(let p): return p
        case .failure(let f): throw f
        }
    }

    func size(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }

    @Test func tarballHoldsTheBinaryCompletionsManPagesAndReadme() throws {
        let p = try packaged()
        print("PackageTests: \(p.tarball) is \(size(p.tarball)) bytes")
        let list = try TestSupport.run("/bin/tar", ["-tzf", p.tarball])
        #expect(list.status == 0)
        let prefix = "kb-\(p.version)-linux-"
        let names = Set(list.stdout.split(separator: "\n").map { String($0.drop { $0 != "/" }.dropFirst()) })
        for wanted in ["bin/kb", "share/man/man1/kb.1", "share/man/man1/kb.check.1", "share/man/man1/kb.mcp.1",
                       "share/bash-completion/completions/kb", "share/zsh/vendor-completions/_kb",
                       "share/fish/vendor_completions.d/kb.fish", "README.md"] {
            #expect(names.contains(wanted), "\(wanted) in the tarball")
        }
        let licence = FileManager.default.fileExists(atPath: TestSupport.packageRoot + "/LICENSE")
        #expect(names.contains("LICENSE") == licence, "the licence is shipped when the repository has one")
        #expect(list.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix(prefix) }, "one top folder")
        // The binary runs here and carries Swift's runtime inside (no libswiftCore.so needed).
        let dir = try TestSupport.tempDirectory("kb-tar")
        defer { TestSupport.remove(dir) }
        #expect(try TestSupport.run("/bin/tar", ["-xzf", p.tarball, "-C", dir]).status == 0)
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first)
        let bin = dir + "/" + folder + "/bin/kb"
        #expect(try TestSupport.run(bin, ["--version"]).stdout == p.version + "\n")
        let ldd = try TestSupport.run("/usr/bin/ldd", [bin])
        #expect(!ldd.stdout.contains("libswiftCore"), "\(ldd.stdout)")
    }

    @Test func debInstallsAndRunsInADebootstrappedDebian12() throws {
        let p = try packaged()
        print("PackageTests: \(p.deb) is \(size(p.deb)) bytes")
        let info = try TestSupport.run("/usr/bin/dpkg-deb", ["--field", p.deb, "Package", "Version", "Depends"])
        #expect(info.stdout.contains("Package: kb") && info.stdout.contains("Version: \(p.version)") && info.stdout.contains("libc6"), "\(info.stdout)")
        let base = Self.work + "/debian-12-root"
        #expect(FileManager.default.fileExists(atPath: base + "/etc/debian_version"), "package.sh cached the Debian root")
        #expect(TestSupport.read(base + "/etc/debian_version").hasPrefix("12."))
        // A fresh copy of the pristine root for this install.
        let root = Self.work + "/test-root"
        _ = try TestSupport.run("/bin/umount", [root + "/proc"]) // a run stopped half-way
        _ = try TestSupport.run("/bin/rm", ["-rf", "--one-file-system", root])
        #expect(try TestSupport.run("/bin/cp", ["-a", base, root]).status == 0)
        defer { _ = try? TestSupport.run("/bin/umount", [root + "/proc"]); _ = try? TestSupport.run("/bin/rm", ["-rf", "--one-file-system", root]) }
        try FileManager.default.copyItem(atPath: p.deb, toPath: root + "/tmp/kb.deb")
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/Tests/EndToEndTests/Fixtures/basic", toPath: root + "/tmp/basic")
        try TestSupport.write(TestSupport.read("/etc/resolv.conf"), to: root + "/etc/resolv.conf")
        #expect(try TestSupport.run("/bin/mount", ["-t", "proc", "proc", root + "/proc"]).status == 0)
        func chroot(_ script: String) throws -> TestSupport.Run {
            try TestSupport.run("/usr/sbin/chroot", [root, "/bin/sh", "-c", script],
                                environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "HOME": "/root"])
        }
        let start = Date()
        let install = try chroot("apt-get update -qq && apt-get install -y -qq --no-install-recommends /tmp/kb.deb")
        #expect(install.status == 0, "\(install.stdout.suffix(2000))\(install.stderr.suffix(2000))")
        print("PackageTests: apt-get install of the .deb in the chroot took \(Int(Date().timeIntervalSince(start))) s")
        #expect(try chroot("kb --version").stdout == p.version + "\n")
        let build = try chroot("cd /tmp/basic && kb build")
        #expect(build.status == 0, "\(build.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/tmp/basic/Site/index.html"))
        let man = try chroot("man -w kb && man -w kb.doctor")
        #expect(man.stdout == "/usr/share/man/man1/kb.1.gz\n/usr/share/man/man1/kb.doctor.1.gz\n", "\(man.stdout)\(man.stderr)")
        #expect(try chroot("man kb | head -5").stdout.contains("kb"), "the page renders")
        #expect(FileManager.default.fileExists(atPath: root + "/usr/share/bash-completion/completions/kb"))
        #expect(try chroot("dpkg -s kb").stdout.contains("Status: install ok installed"))
    }

    struct Inspect: Decodable {
        var Architecture: String
        var Os: String
    }

    struct Manifest: Decodable {
        struct Layer: Decodable { var size: Int }
        var layers: [Layer]
    }

    @Test func imageInspectsWithKbAsItsEntrypoint() throws {
        let p = try packaged()
        let skopeo = try #require(TestSupport.which("skopeo"), "skopeo is missing (scripts/setup.sh test installs it)")
        let inspect = try TestSupport.run(skopeo, ["inspect", "oci:\(p.layout):\(p.version)"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let image = try JSONDecoder().decode(Inspect.self, from: Data(inspect.stdout.utf8))
        #expect(image.Architecture == "amd64" || image.Architecture == "arm64")
        #expect(image.Os == "linux")
        let raw = try TestSupport.run(skopeo, ["inspect", "--raw", "oci:\(p.layout):\(p.version)"])
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(raw.stdout.utf8))
        let layers = manifest.layers.map(\.size).reduce(0, +)
        print("PackageTests: image \(p.layout):\(p.version) is \(layers) bytes compressed in \(manifest.layers.count) layer(s); archive \(size(p.archive)) bytes")
        #expect(layers > 10_000_000 && layers < 400_000_000, "Debian minbase + kb: \(layers) bytes")
        let config = try TestSupport.run(skopeo, ["inspect", "--config", "oci:\(p.layout):\(p.version)"])
        let doc = try JSONSerialization.jsonObject(with: Data(config.stdout.utf8)) as? [String: Any]
        let c = doc?["config"] as? [String: Any]
        #expect(c?["Entrypoint"] as? [String] == ["/usr/bin/kb"], "\(config.stdout.prefix(600))")
        #expect(c?["WorkingDir"] as? String == "/kb")
        // The archive holds the same image.
        let archived = try TestSupport.run(skopeo, ["inspect", "oci-archive:\(p.archive)"])
        #expect(archived.status == 0, "\(archived.stderr)")
    }

    @Test func daemonSetRunsTheImagePackageShBuilds() throws {
        let p = try packaged()
        let yaml = TestSupport.read(TestSupport.packageRoot + "/deploy/kubernetes/kb-doctor-daemonset.yaml")
        let images = yaml.matches(of: /(?m)^\s+image:\s*(\S+)/).map { String($0.1) }
        #expect(images == ["kb:\(p.version)"], "\(images)")
        #expect(yaml.contains("kb doctor --content /kb/Content"), "the KB the image carries under /kb")
    }
}
