using Nixery.Images;

namespace Nixery.Tests.Images;

[Trait("Category", "Unit")]
public class GrainKeyGuardTests
{
    [Fact]
    public void A_request_of_the_grain_s_own_key_passes() => Assert.Null(GrainKeyGuard.Mismatch("abc", "abc", "request"));

    [Fact]
    public void A_request_for_another_key_is_an_internal_error_naming_what_did_not_belong()
    {
        var error = GrainKeyGuard.Mismatch("abc", "abd", "store paths");
        Assert.Equal(BuildErrorKind.Internal, error!.Kind);
        Assert.Contains("store paths", error.Message);
    }
}
