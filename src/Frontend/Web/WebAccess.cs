using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nixery.Access;

namespace Nixery.Frontend.Web;

/// <summary>
/// The registry's access rules applied to the web page, so the page never
/// lets anyone do more than a pull would: with authentication on, a browser
/// signs in with Basic credentials (it prompts on the 401 and then sends them
/// with the page's own requests); without them it is the anonymous client.
/// </summary>
public static class WebAccess
{
    private static readonly RepositoryPermission Everything = new(Pull: true, Build: true);

    /// <summary>What this request may do with the image; everything when authentication is off.</summary>
    public static RepositoryPermission Permission(HttpContext context, string name, string tag)
    {
        var control = context.RequestServices.GetRequiredService<RegistryAccess>().Control;
        return control is null ? Everything : control.Permission(Subject(context, control), name, tag);
    }

    /// <summary>Whether the request may see the package catalogue: anyone who could pull something.</summary>
    public static bool MaySearch(HttpContext context)
    {
        var control = context.RequestServices.GetRequiredService<RegistryAccess>().Control;
        return control is null || control.AllowsAnonymous || Subject(context, control) != AccessControl.AnonymousSubject;
    }

    /// <summary>The answer for a request that may not see the image: a prompt to sign in, or a refusal.</summary>
    public static IResult Refusal(HttpContext context)
    {
        var control = context.RequestServices.GetRequiredService<RegistryAccess>().Control;
        return control is not null && Subject(context, control) == AccessControl.AnonymousSubject
            ? RegistryError.Unauthorized("sign in to see this image", $"Basic realm=\"{RegistryAccess.Service}\"")
            : RegistryError.Denied("access to this image is denied");
    }

    private static string Subject(HttpContext context, AccessControl control) =>
        RegistryAccess.BasicCredentials(context.Request) is var (user, password) && control.Authenticate(user, password)
            ? user
            : AccessControl.AnonymousSubject;
}
