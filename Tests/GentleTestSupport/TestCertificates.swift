import Foundation

/// A throwaway certificate authority and a server certificate it signed for `localhost` and
/// `127.0.0.1`, made with the openssl command (EC keys: fast). `otherCA` signed nothing here:
/// verifying against it must fail.
public struct TestCertificates: Sendable {
    public var caCertificate: String
    public var serverCertificate: String
    public var serverKey: String
    public var otherCACertificate: String

    public static func make(in directory: String) throws -> TestCertificates {
        let d = directory + "/tls"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        func openssl(_ arguments: [String]) throws {
            let run = try RunResult.run("/usr/bin/env", ["openssl"] + arguments, currentDirectory: d)
            guard run.status == 0 else {
                throw CertificateError(description: "openssl \(arguments.joined(separator: " ")) failed: \(run.stderr)")
            }
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for name in ["ca", "other-ca"] {
            try openssl(["req", "-x509"] + ec + ["-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2",
                         "-subj", "/CN=gentle test \(name)",
                         "-addext", "basicConstraints=critical,CA:TRUE",
                         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        }
        try openssl(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"])
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: d + "/server.ext", atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "server.pem", "-days", "2", "-extfile", "server.ext"])
        return TestCertificates(caCertificate: d + "/ca.pem", serverCertificate: d + "/server.pem",
                                serverKey: d + "/server.key", otherCACertificate: d + "/other-ca.pem")
    }

    struct CertificateError: Error, CustomStringConvertible {
        var description: String
    }
}
