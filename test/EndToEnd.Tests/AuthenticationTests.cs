using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// Users and a policy for the authenticated registry: alice may pull and
/// build everything; bob only the <c>hello</c> repository; carol may pull
/// everything but build nothing. The htpasswd file is written by the real
/// <c>htpasswd -B</c>.
/// </summary>
public sealed class Credentials
{
    public const string AlicePassword = "alice-pw-7f3e9c";
    public const string BobPassword = "bob-pw-51d0aa";
    public const string CarolPassword = "carol-pw-c4r0";

    public static void Write(TemporaryDirectory directory, Dictionary<string, string> environment)
    {
        var htpasswd = directory.Combine("htpasswd");
        Shell.RunAsync("htpasswd", "-B", "-b", "-c", htpasswd, "alice", AlicePassword).GetAwaiter().GetResult();
        Shell.RunAsync("htpasswd", "-B", "-b", htpasswd, "bob", BobPassword).GetAwaiter().GetResult();
        Shell.RunAsync("htpasswd", "-B", "-b", htpasswd, "carol", CarolPassword).GetAwaiter().GetResult();
        var policy = directory.Combine("policy.yaml");
        File.WriteAllText(policy, """
            groups:
              platform: [alice]
            operators: [group:platform]
            rules:
              - subjects: [group:platform]
                repositories: ["**"]
                build: true
              - subjects: [bob]
                repositories: [hello]
                build: true
              - subjects: [carol]
                repositories: ["**"]
            """);
        environment["NIXERY_AUTH_HTPASSWD"] = htpasswd;
        environment["NIXERY_AUTH_POLICY"] = policy;
    }
}

/// <summary>One registry process with authentication on and no anonymous access.</summary>
public class AuthenticatedRegistryFixture : IAsyncLifetime
{
    private readonly TemporaryDirectory _work = new();

    public RegistryProcess Registry { get; private set; } = null!;

    protected virtual string Anonymous => "none";

    public async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string> { ["NIXERY_AUTH_ANONYMOUS"] = Anonymous };
        Credentials.Write(_work, environment);
        Registry = new RegistryProcess(_work.Combine("storage"), environment);
        await Registry.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        _work.Dispose();
    }
}

/// <summary>
/// Token authentication against the real registry process, with the real
/// clients: skopeo <c>--creds</c>, <c>podman login</c>, <c>ctr --user</c>, and
/// the token server's HTTP protocol as the distribution specification states it.
/// </summary>
public class AuthenticationTests(AuthenticatedRegistryFixture fixture) : IClassFixture<AuthenticatedRegistryFixture>
{
    private RegistryProcess Registry => fixture.Registry;

    [Fact]
    public async Task Skopeo_pulls_with_credentials_and_is_refused_without_or_with_a_wrong_password()
    {
        var image = $"docker://{Registry.Address}/shell/hello:latest";
        var output = await Shell.RunAsync("skopeo", "inspect", "--tls-verify=false", "--creds", $"alice:{Credentials.AlicePassword}", image);
        Assert.Contains("\"Architecture\": \"amd64\"", output);

        var anonymous = await Shell.TryAsync("skopeo", "inspect", "--tls-verify=false", "--no-creds", image);
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("authentication required", anonymous.ErrorTail);

        var wrong = await Shell.TryAsync("skopeo", "inspect", "--tls-verify=false", "--creds", "alice:not-her-password", image);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("invalid user name or password", wrong.ErrorTail);
    }

    [Fact]
    public async Task A_user_is_denied_a_repository_the_policy_does_not_give_them()
    {
        var allowed = await Shell.RunAsync("skopeo", "inspect", "--tls-verify=false", "--no-tags", "--creds", $"bob:{Credentials.BobPassword}", $"docker://{Registry.Address}/hello:latest");
        Assert.Contains("\"Digest\"", allowed);
        var denied = await Shell.TryAsync("skopeo", "inspect", "--tls-verify=false", "--no-tags", "--creds", $"bob:{Credentials.BobPassword}", $"docker://{Registry.Address}/shell/hello:latest");
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("denied", denied.ErrorTail);
    }

    [Fact]
    public async Task Podman_logs_in_then_pulls()
    {
        using var work = new TemporaryDirectory();
        var environment = new Dictionary<string, string?> { ["CONTAINERS_CONF"] = Path.Combine(Repository.Root, ".work", "containers.conf") };
        string[] storage = ["--root", work.Combine("root"), "--runroot", work.Combine("runroot"), "--storage-driver", "vfs"];
        var authFile = work.Combine("auth.json");
        var image = $"{Registry.Address}/hello:latest";
        try
        {
            var refused = await Shell.TryAsync("podman", [.. storage, "pull", "--tls-verify=false", "--authfile", authFile, image]);
            Assert.NotEqual(0, refused.ExitCode);

            await Shell.RunAsync("podman", [.. storage, "login", "--tls-verify=false", "--authfile", authFile, "-u", "alice", "-p", Credentials.AlicePassword, Registry.Address], environment);
            await Shell.RunAsync("podman", [.. storage, "pull", "--tls-verify=false", "--authfile", authFile, image], environment);
            var images = await Shell.RunAsync("podman", [.. storage, "images", "--format", "{{.Repository}}"], environment);
            Assert.Contains($"{Registry.Address}/hello", images);
        }
        finally
        {
            await Shell.TryAsync("podman", [.. storage, "system", "reset", "--force"]);
        }
    }

    [Fact]
    public async Task Containerd_pulls_with_a_user_and_is_refused_without()
    {
        var containerd = new Containerd();
        await containerd.InitializeAsync();
        try
        {
            var image = $"{Registry.Address}/hello:latest";
            var refused = await Shell.TryAsync("ctr", "--address", containerd.Socket, "image", "pull", "--plain-http", image);
            Assert.NotEqual(0, refused.ExitCode);
            await containerd.CtrAsync("image", "pull", "--plain-http", "--user", $"alice:{Credentials.AlicePassword}", image);
            Assert.Contains(image, await containerd.CtrAsync("image", "ls", "-q"));
        }
        finally
        {
            await containerd.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_route_challenges_with_the_token_realm_and_the_repositorys_scope()
    {
        using var http = Registry.Http();
        using var root = await http.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.Unauthorized, root.StatusCode);
        Assert.Equal($"Bearer realm=\"http://{Registry.Address}/token\",service=\"nixery\"", root.Headers.WwwAuthenticate.ToString());
        Assert.Equal("UNAUTHORIZED", await ErrorCodeAsync(root));

        var digest = "sha256:" + new string('a', 64);
        foreach (var path in new[] { "/v2/shell/hello/manifests/latest", $"/v2/shell/hello/manifests/{digest}", $"/v2/shell/hello/blobs/{digest}", "/v2/shell/hello/tags/list" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal($"Bearer realm=\"http://{Registry.Address}/token\",service=\"nixery\",scope=\"repository:shell/hello:pull\"", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task A_token_for_one_repository_is_denied_another()
    {
        using var http = Registry.Http();
        var token = await TokenAsync(http, "alice", Credentials.AlicePassword, "repository:hello:pull");
        using var allowed = await GetAsync(http, "/v2/hello/manifests/latest", token);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        using var other = await GetAsync(http, "/v2/shell/hello/manifests/latest", token);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("DENIED", await ErrorCodeAsync(other));

        using var forged = await GetAsync(http, "/v2/hello/manifests/latest", token[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Contains("error=\"invalid_token\"", forged.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Wrong_credentials_at_the_token_server_are_401_unauthorized()
    {
        using var http = Registry.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/token?service=nixery&scope=repository:hello:pull");
        request.Headers.Authorization = Basic("alice", "wrong");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("UNAUTHORIZED", await ErrorCodeAsync(response));

        using var anonymous = await http.GetAsync("/token?service=nixery&scope=repository:hello:pull");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task The_oauth2_form_gives_a_refresh_token_that_gives_access_tokens()
    {
        using var http = Registry.Http();
        using var password = await http.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = "alice", ["password"] = Credentials.AlicePassword,
            ["service"] = "nixery", ["client_id"] = "test", ["access_type"] = "offline", ["scope"] = "repository:hello:pull",
        }));
        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
        using var first = JsonDocument.Parse(await password.Content.ReadAsStringAsync());
        Assert.Equal("repository:hello:pull", first.RootElement.GetProperty("scope").GetString());
        var refresh = first.RootElement.GetProperty("refresh_token").GetString()!;

        using var refreshed = await http.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = refresh, ["service"] = "nixery", ["client_id"] = "test", ["scope"] = "repository:hello:pull",
        }));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        using var second = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync());
        using var manifest = await GetAsync(http, "/v2/hello/manifests/latest", second.RootElement.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);

        // A refresh token is not an access token.
        using var misuse = await GetAsync(http, "/v2/hello/manifests/latest", refresh);
        Assert.Equal(HttpStatusCode.Unauthorized, misuse.StatusCode);
    }

    [Fact]
    public async Task Neither_passwords_nor_tokens_reach_the_log()
    {
        using var http = Registry.Http();
        var token = await TokenAsync(http, "alice", Credentials.AlicePassword, "repository:hello:pull");
        using (await GetAsync(http, "/v2/hello/manifests/latest", token)) { }
        await Shell.TryAsync("skopeo", "inspect", "--tls-verify=false", "--no-tags", "--creds", $"bob:{Credentials.BobPassword}", $"docker://{Registry.Address}/hello:latest");
        await Shell.TryAsync("skopeo", "inspect", "--tls-verify=false", "--no-tags", "--creds", "bob:wrong-secret-93ab", $"docker://{Registry.Address}/hello:latest");

        var log = Registry.Log;
        Assert.Contains("token issued to alice", log);
        Assert.DoesNotContain(Credentials.AlicePassword, log);
        Assert.DoesNotContain(Credentials.BobPassword, log);
        Assert.DoesNotContain("wrong-secret-93ab", log);
        Assert.DoesNotContain(token, log);
        Assert.DoesNotContain(token.Split('.')[2], log);
    }

    public static async Task<string> TokenAsync(HttpClient http, string user, string password, string scope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/token?service=nixery&scope={Uri.EscapeDataString(scope)}");
        request.Headers.Authorization = Basic(user, password);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("token").GetString()!;
    }

    public static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        return http.SendAsync(request);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString()!;
    }
}

/// <summary>The same, with anonymous pulls of images that are already built.</summary>
public sealed class CachedAnonymousRegistryFixture : AuthenticatedRegistryFixture
{
    protected override string Anonymous => "cached";
}

/// <summary>Who may start builds: anonymous clients in <c>cached</c> mode and users the policy does not let build may only pull what exists.</summary>
public class BuildPermissionTests(CachedAnonymousRegistryFixture fixture) : IClassFixture<CachedAnonymousRegistryFixture>
{
    [Fact]
    public async Task Only_a_user_who_may_build_starts_a_build_then_everyone_allowed_to_pull_gets_the_image()
    {
        using var http = fixture.Registry.Http();
        var anonymous = await AnonymousTokenAsync(http, "repository:jq:pull");
        var carol = await AuthenticationTests.TokenAsync(http, "carol", Credentials.CarolPassword, "repository:jq:pull");
        var alice = await AuthenticationTests.TokenAsync(http, "alice", Credentials.AlicePassword, "repository:jq:pull");

        using (var response = await AuthenticationTests.GetAsync(http, "/v2/jq/manifests/latest", anonymous))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("sign in to build it", await response.Content.ReadAsStringAsync());
        }
        using (var response = await AuthenticationTests.GetAsync(http, "/v2/jq/manifests/latest", carol))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("DENIED", await response.Content.ReadAsStringAsync());
        }
        using (var response = await AuthenticationTests.GetAsync(http, "/v2/jq/manifests/latest", alice))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var token in new[] { carol, anonymous })
        {
            using var response = await AuthenticationTests.GetAsync(http, "/v2/jq/manifests/latest", token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Skopeo_without_credentials_reads_a_built_image()
    {
        var image = $"docker://{fixture.Registry.Address}/xorg.xev:latest";
        var refused = await Shell.TryAsync("skopeo", "inspect", "--tls-verify=false", "--no-tags", "--no-creds", image);
        Assert.NotEqual(0, refused.ExitCode);
        await Shell.RunAsync("skopeo", "inspect", "--tls-verify=false", "--no-tags", "--creds", $"alice:{Credentials.AlicePassword}", image);
        Assert.Contains("\"Digest\"", await Shell.RunAsync("skopeo", "inspect", "--tls-verify=false", "--no-tags", "--no-creds", image));
    }

    private static async Task<string> AnonymousTokenAsync(HttpClient http, string scope)
    {
        using var response = await http.GetAsync($"/token?service=nixery&scope={Uri.EscapeDataString(scope)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("token").GetString()!;
    }
}

/// <summary>Two silos and a separate frontend with authentication on and a key they generate themselves.</summary>
public sealed class AuthenticatedRedisCluster : RedisProcessCluster
{
    private readonly TemporaryDirectory _work = new();

    protected override void AddEnvironment(Dictionary<string, string> environment) => Credentials.Write(_work, environment);
}

[Collection(Heavy.Name)]
public class ClusterTokenTests(AuthenticatedRedisCluster cluster) : IClassFixture<AuthenticatedRedisCluster>
{
    [Fact]
    public async Task A_token_issued_by_one_silo_is_accepted_by_the_other_and_by_the_frontend()
    {
        using var issuer = cluster.Silos[0].Http();
        var token = await AuthenticationTests.TokenAsync(issuer, "alice", Credentials.AlicePassword, "repository:hello:pull");
        foreach (var process in new[] { cluster.Silos[1], cluster.Frontend, cluster.Silos[0] })
        {
            using var http = process.Http();
            using var response = await AuthenticationTests.GetAsync(http, "/v2/hello/manifests/latest", token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using var frontend = cluster.Frontend.Http();
        using var unauthenticated = await frontend.GetAsync("/v2/hello/manifests/latest");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }
}
