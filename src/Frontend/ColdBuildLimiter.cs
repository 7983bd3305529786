using System.Net;
using System.Threading.RateLimiting;

namespace Nixery.Frontend;

/// <summary>
/// How many builds one client (by IP address) may start per minute
/// (<c>NIXERY_COLD_BUILDS_PER_CLIENT</c>): a token bucket per address, from
/// ASP.NET Core's rate limiting library. Warm pulls and joins of a build
/// under way take no token. Idle buckets are dropped by the limiter itself,
/// so a flood of addresses does not grow memory without bound.
/// </summary>
public sealed class ColdBuildLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress>? _limiter;

    public ColdBuildLimiter(int perMinute)
    {
        PerMinute = perMinute;
        if (perMinute <= 0) return;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = perMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public int PerMinute { get; }

    /// <summary>False when <c>NIXERY_COLD_BUILDS_PER_CLIENT</c> is 0: every client may start builds.</summary>
    public bool Limits => _limiter is not null;

    /// <summary>Takes a token for a build by <paramref name="client"/>; false when it has none left.</summary>
    public bool TryStart(IPAddress? client)
    {
        if (_limiter is null) return true;
        using var lease = _limiter.AttemptAcquire(client ?? IPAddress.None);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter?.Dispose();
}
