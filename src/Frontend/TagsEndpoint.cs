using Microsoft.AspNetCore.Http;
using Nixery.Naming;

namespace Nixery.Frontend;

/// <summary>
/// <c>GET /v2/&lt;name&gt;/tags/list</c>: the tags the package source serves
/// (any name can be built from them), sorted, with the spec's <c>n</c> and
/// <c>last</c> pagination. Nixery had none, so <c>skopeo inspect</c> failed.
/// </summary>
public sealed class TagsEndpoint(ImageLookup lookup)
{
    public async Task<IResult> GetAsync(HttpContext context, RegistryRoute.Tags route)
    {
        if (!DistributionGrammar.IsValidName(route.Name)) return RegistryError.NameInvalid(route.Name);
        IEnumerable<string> tags = await lookup.TagsAsync(context.RequestAborted);

        var query = context.Request.Query;
        if (query.TryGetValue("last", out var last) && !string.IsNullOrEmpty(last))
            tags = tags.Where(t => string.CompareOrdinal(t, last) > 0);
        if (query.TryGetValue("n", out var n))
        {
            if (!int.TryParse(n, out var count) || count < 0)
                return new RegistryError(StatusCodes.Status400BadRequest, "UNSUPPORTED", $"invalid n '{n}': a page size is a whole number ≥ 0");
            var page = tags.Take(count + 1).ToList();
            if (page.Count > count)
            {
                page.RemoveAt(count);
                var next = $"/v2/{route.Name}/tags/list?n={count}&last={Uri.EscapeDataString(page.LastOrDefault() ?? "")}";
                context.Response.Headers.Link = $"<{next}>; rel=\"next\"";
            }
            tags = page;
        }
        return Results.Json(new { name = route.Name, tags = tags.ToArray() });
    }
}
