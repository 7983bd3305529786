using System.Security.Cryptography.X509Certificates;
using Nixery.Configuration;
using Orleans.Connections.Security;

namespace Nixery.Frontend.Hosting;

/// <summary>
/// TLS with mutual authentication on every Orleans connection, silo to silo
/// and frontend to gateway, when <c>NIXERY_TLS_CERTIFICATE</c> is set. Every
/// member of the cluster presents the same certificate (one Kubernetes
/// Secret), and a peer is accepted only if it presents that certificate:
/// anyone else who reaches a silo or gateway port (issue 8: a peer calling
/// <c>IGarbageCollectorGrain</c>) is refused during the handshake, before any
/// grain call is read. Rotating the certificate means restarting every member.
/// </summary>
public static class ClusterTls
{
    /// <summary>The cluster certificate (PFX/PKCS#12, or PEM holding certificate and key), or null when TLS is off.</summary>
    public static X509Certificate2? Load(NixeryClusterOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TlsCertificate)) return null;
        var path = options.TlsCertificate;
        var password = string.IsNullOrEmpty(options.TlsCertificatePassword) ? null : options.TlsCertificatePassword;
        var certificate = path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase)
            ? X509CertificateLoader.LoadPkcs12FromFile(path, password)
            : password is null ? X509Certificate2.CreateFromPemFile(path) : X509Certificate2.CreateFromEncryptedPemFile(path, password);
        if (!certificate.HasPrivateKey) throw new InvalidOperationException($"NIXERY_TLS_CERTIFICATE: {path} holds no private key");
        return certificate;
    }

    public static void Configure(TlsOptions tls, X509Certificate2 certificate)
    {
        tls.LocalCertificate = certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // The platform's checks (a public CA, a host name) do not apply to a
        // cluster's own certificate; the only question is whether the peer holds it.
        tls.RemoteCertificateValidation = (remote, _, _) => IsClusterMember(remote, certificate);
    }

    public static bool IsClusterMember(X509Certificate2? remote, X509Certificate2 cluster) =>
        remote is not null && remote.RawData.AsSpan().SequenceEqual(cluster.RawData);
}
