namespace Nixery.Tests.Support;

/// <summary>
/// Waits for what a test names instead of for a fixed time: asks again every
/// 100 ms, and fails with <c>failure</c> only after a deadline far beyond
/// what a loaded machine needs (a minute unless told).
/// </summary>
public static class Poll
{
    public static Task UntilAsync(Func<bool> condition, string failure, TimeSpan? within = null) =>
        UntilAsync(() => Task.FromResult(condition()), failure, within);

    public static async Task UntilAsync(Func<Task<bool>> condition, string failure, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromMinutes(1));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(100);
        }
    }
}
