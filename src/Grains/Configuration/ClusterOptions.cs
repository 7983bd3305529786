namespace Nixery.Configuration;

/// <summary>
/// How this process joins the Orleans cluster. Named apart from Orleans'
/// own <c>Orleans:</c> configuration section, which Orleans reads itself.
/// </summary>
public sealed class NixeryClusterOptions
{
    public string Clustering { get; set; } = "localhost";
    public string? Connection { get; set; }
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    public string ClusterId { get; set; } = "nixery";
    public string ServiceId { get; set; } = "nixery";
}
