using System.Net;
using System.Text.RegularExpressions;
using Nixery.Storage;

namespace Nixery.Tests.Storage;

/// <summary>
/// What an object-storage backend promises when it redirects: the URL is
/// signed (changing the signature or the object it names is refused) and
/// stops working once its lifetime is over.
/// </summary>
public abstract class RedirectingBlobStoreContract : BlobStoreContract
{
    protected override Type LocationKind => typeof(BlobLocation.Redirect);

    /// <summary>The same store, giving redirect URLs that live <paramref name="lifetime"/>.</summary>
    protected abstract Task<IBlobStore> WithRedirectLifetimeAsync(TimeSpan lifetime);

    /// <summary>What the storage server's refusal of an expired URL says (and a refusal for another reason does not).</summary>
    protected abstract string ExpiredRefusal { get; }

    /// <summary>The storage server refuses a URL whose signature does not fit it.</summary>
    protected virtual async Task AssertRefusedAsync(string url)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_redirect_url_downloads_without_other_credentials()
    {
        var content = Content(70_000, seed: 30);
        var stored = await Store.PutAsync(Writing(content), null, None);
        var redirect = Assert.IsType<BlobLocation.Redirect>(await Store.LocateAsync(stored.Digest, None));
        using var http = new HttpClient();
        Assert.Equal(content, await http.GetByteArrayAsync(redirect.Url));
    }

    [Fact]
    public async Task A_blob_known_to_exist_is_redirected_to_a_url_that_downloads_it()
    {
        var content = Content(70_000, seed: 35);
        var stored = await Store.PutAsync(Writing(content), null, None);
        var redirect = Assert.IsType<BlobLocation.Redirect>(await Store.LocateKnownAsync(stored.Digest, stored.Size, None));
        Assert.Equal(stored.Size, redirect.Size);
        using var http = new HttpClient();
        Assert.Equal(content, await http.GetByteArrayAsync(redirect.Url));
    }

    [Fact]
    public async Task A_redirect_url_with_a_changed_signature_is_refused()
    {
        var stored = await Store.PutAsync(Writing(Content(100, seed: 31)), null, None);
        var redirect = Assert.IsType<BlobLocation.Redirect>(await Store.LocateAsync(stored.Digest, None));
        var url = redirect.Url.ToString();
        var signature = Regex.Match(url, "[?&](sig|X-Amz-Signature|X-Goog-Signature)=").Index;
        Assert.True(signature > 0, $"no signature in {url}");
        var at = url.IndexOf('=', signature) + 1;
        var tampered = url[..at] + (url[at] == 'a' ? 'b' : 'a') + url[(at + 1)..];
        await AssertRefusedAsync(tampered);
    }

    [Fact]
    public async Task A_redirect_url_names_only_its_own_blob()
    {
        var mine = await Store.PutAsync(Writing(Content(100, seed: 32)), null, None);
        var other = await Store.PutAsync(Writing(Content(100, seed: 33)), null, None);
        var redirect = Assert.IsType<BlobLocation.Redirect>(await Store.LocateAsync(mine.Digest, None));
        await AssertRefusedAsync(redirect.Url.ToString().Replace(mine.Digest.Hex, other.Digest.Hex));
    }

    /// <summary>
    /// No fixed wait, which a loaded machine can overrun either way: the URL
    /// is asked for until the server refuses it, for up to a minute, and the
    /// refusal must be for its age. That the same URL works while it lives is
    /// <see cref="A_redirect_url_downloads_without_other_credentials"/>.
    /// </summary>
    [Fact]
    public async Task A_redirect_url_expires()
    {
        var shortLived = await WithRedirectLifetimeAsync(TimeSpan.FromSeconds(1));
        var stored = await shortLived.PutAsync(Writing(Content(100, seed: 34)), null, None);
        var redirect = Assert.IsType<BlobLocation.Redirect>(await shortLived.LocateAsync(stored.Digest, None));
        using var http = new HttpClient();
        var refusal = "";
        await Poll.UntilAsync(async () =>
        {
            using var response = await http.GetAsync(redirect.Url);
            if (response.IsSuccessStatusCode) return false;
            refusal = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            return true;
        }, "a URL of a 1 s lifetime still worked after a minute");
        Assert.True(refusal.StartsWith("403 ", StringComparison.Ordinal) || refusal.StartsWith("400 ", StringComparison.Ordinal), refusal);
        Assert.Contains(ExpiredRefusal, refusal);
    }
}
