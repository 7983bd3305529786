using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// A real two-silo cluster and a separate frontend, every Orleans connection
/// under TLS with the cluster's certificate: it serves pulls, while a
/// frontend or a silo without the certificate cannot get in.
/// </summary>
public class ClusterTlsTests(ClusterTlsTests.TlsCluster cluster) : IClassFixture<ClusterTlsTests.TlsCluster>
{
    public sealed class TlsCluster : RedisProcessCluster
    {
        private readonly TemporaryDirectory _certificates = new();

        public TlsCluster()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=nixery-cluster", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            CertificatePath = _certificates.Combine("cluster.pfx");
            File.WriteAllBytes(CertificatePath, certificate.Export(X509ContentType.Pfx, "secret-password"));
        }

        public string CertificatePath { get; }

        /// <summary>What every process of this cluster gets, the certificate included.</summary>
        public IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

        /// <summary>Storage for processes that try to join without the certificate.</summary>
        public string IntruderStorage => _certificates.Combine("storage");

        protected override void AddEnvironment(Dictionary<string, string> environment)
        {
            environment["NIXERY_TLS_CERTIFICATE"] = CertificatePath;
            environment["NIXERY_TLS_CERTIFICATE_PASSWORD"] = "secret-password";
            Environment = environment;
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            _certificates.Dispose();
        }
    }

    [Fact]
    public async Task Silos_and_the_frontend_join_over_tls_and_serve_pulls()
    {
        Assert.Equal(2, cluster.Silos.Length);
        using var http = cluster.Frontend.Http();
        using var response = await http.GetAsync("/v2/hello/manifests/latest");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Frontend")]
    [InlineData("Silo")]
    public async Task A_process_without_the_certificate_cannot_join(string project)
    {
        var environment = new Dictionary<string, string>(cluster.Environment);
        environment.Remove("NIXERY_TLS_CERTIFICATE");
        environment.Remove("NIXERY_TLS_CERTIFICATE_PASSWORD");
        await using var intruder = new RegistryProcess(cluster.IntruderStorage, environment, project);
        var failure = await Record.ExceptionAsync(() => intruder.StartAsync(TimeSpan.FromSeconds(20)));
        Assert.True(failure is InvalidOperationException or TimeoutException, $"the {project} without the certificate became ready");
        // Refused at the handshake, not failing for some other reason.
        Assert.Contains("Connection terminated prematurely", failure.Message);
    }
}
