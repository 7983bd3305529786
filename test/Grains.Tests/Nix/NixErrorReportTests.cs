using Nixery.Nix;

namespace Nixery.Tests.Nix;

[Trait("Category", "Unit")]

public class NixErrorReportTests
{
    private const string BuilderFailure = """
        this derivation will be built:
          /nix/store/sfgvsl6bmzvckxv7zgyaz60fj3434x30-broken-1.0.drv
        building '/nix/store/sfgvsl6bmzvckxv7zgyaz60fj3434x30-broken-1.0.drv'...
        error: builder for '/nix/store/sfgvsl6bmzvckxv7zgyaz60fj3434x30-broken-1.0.drv' failed with exit code 3;
               last 2 log lines:
               > configuring broken-1.0
               > error: this package is broken on purpose
               For full logs, run 'nix log /nix/store/sfgvsl6bmzvckxv7zgyaz60fj3434x30-broken-1.0.drv'.
        """;

    [Fact]
    public void A_builder_failure_names_the_derivation_and_its_log_tail()
    {
        var error = NixErrorReport.FromBuild(BuilderFailure);
        Assert.Equal(BuildErrorKind.BuildFailed, error.Kind);
        Assert.Contains("/nix/store/sfgvsl6bmzvckxv7zgyaz60fj3434x30-broken-1.0.drv failed with exit code 3", error.Message);
        Assert.Contains("configuring broken-1.0\nerror: this package is broken on purpose", error.Message);
        Assert.DoesNotContain("For full logs", error.Message);
    }

    [Fact]
    public void A_builder_timeout_is_reported_as_a_timeout()
    {
        var error = NixErrorReport.FromBuild("error: building of '/nix/store/abc-slow-1.0.drv' from .drv file timed out after 1 seconds\n");
        Assert.Equal(BuildErrorKind.TimedOut, error.Kind);
        Assert.Contains("/nix/store/abc-slow-1.0.drv", error.Message);
    }

    [Fact]
    public void An_evaluation_error_starts_at_the_first_error_line()
    {
        var error = NixErrorReport.FromEvaluation("warning: something\nerror: Package ‘terraform’ has an unfree license, refusing to evaluate.\n");
        Assert.StartsWith("Nix evaluation failed: error: Package ‘terraform’", error.Message);
    }

    [Fact]
    public void Messages_are_bounded()
    {
        var error = NixErrorReport.FromEvaluation("error: " + new string('x', 100_000));
        Assert.True(error.Message.Length <= NixErrorReport.MaxMessageLength + 40);
    }
}
