using System.Text.Json;
using Json.Schema;

namespace Nixery.Tests.Support;

/// <summary>The SPDX 2.3 JSON schema (spdx/spdx-spec, branch support/2.3), shipped with the tests.</summary>
public static class SpdxSchema
{
    /// <summary>Loaded once: the library registers a schema by its $id and refuses a second one.</summary>
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "spdx-schema-2.3.json")));

    /// <summary>What the schema finds wrong with a document; empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(byte[] document)
    {
        using var parsed = JsonDocument.Parse(document);
        var result = Schema.Value.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
            .Append("the document is not valid SPDX 2.3")
            .ToArray();
    }
}
