using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Nixery.EndToEnd.Tests.Web;

/// <summary>
/// The web page with authentication on (no anonymous access; alice is an
/// operator who may build everything, bob may only pull and build
/// <c>hello</c>): the page never lets anyone do more than a pull would.
/// </summary>
public class WebAccessTests(AuthenticatedRegistryFixture fixture) : IClassFixture<AuthenticatedRegistryFixture>
{
    [Fact]
    public async Task Recent_builds_are_for_operators_only()
    {
        using var http = fixture.Registry.Http();
        using var anonymous = await http.GetAsync("/builds");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic ", anonymous.Headers.WwwAuthenticate.ToString());
        using var bob = await GetAsync(http, "/builds", "bob", Credentials.BobPassword);
        Assert.Equal(HttpStatusCode.Forbidden, bob.StatusCode);
        using var alice = await GetAsync(http, "/builds", "alice", Credentials.AlicePassword);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Contains("Recent builds and failures", await alice.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_image_page_and_its_events_follow_the_pull_rules()
    {
        using var http = fixture.Registry.Http();
        using var anonymous = await http.GetAsync("/image/hello");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic ", anonymous.Headers.WwwAuthenticate.ToString());
        using var allowed = await GetAsync(http, "/image/hello", "bob", Credentials.BobPassword);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using var denied = await GetAsync(http, "/image/git", "bob", Credentials.BobPassword);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        using var events = await GetAsync(http, "/ui/events/git", "bob", Credentials.BobPassword);
        var stream = await events.Content.ReadAsStringAsync();
        Assert.StartsWith("event: failed\n", stream);
        Assert.Contains("access to this image is denied", stream);
    }

    [Fact]
    public async Task Search_needs_a_user_when_anonymous_clients_may_not_pull()
    {
        using var http = fixture.Registry.Http();
        using var anonymous = await http.GetAsync("/ui/search?q=hello");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var bob = await GetAsync(http, "/ui/search?q=hello", "bob", Credentials.BobPassword);
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http.SendAsync(request);
    }
}
