using Orleans.Configuration;

namespace Nixery.Configuration;

/// <summary>
/// How quickly the cluster decides a silo is dead, chosen for crash recovery
/// (issue 8; README, "Running a cluster"). Orleans' defaults are tuned for
/// large clusters that must never evict a live silo by mistake; a registry
/// of a few silos whose clients retry prefers to be serving again in
/// seconds. Read from Orleans' MembershipAgent, MembershipTableManager and
/// ClusterHealthMonitor:
/// <list type="bullet">
/// <item>A starting silo probes every entry marked Active and does not join
/// until all answer (there is no switch for this check in Orleans 10.4.2). After
/// every pod was killed, the dead entries stay Active until a live silo
/// declares them dead, and a joining silo only watches entries that are
/// stale (no "I am alive" for <c>IAmAliveTablePublishTimeout</c> ×
/// <c>NumMissedTableIAmAliveLimit</c>, 90 s by default). Hence the short
/// staleness: 3 s × 2 = 6 s.</item>
/// <item>A silo is suspected after <c>NumMissedProbesLimit</c> probes time out
/// (<c>ProbeTimeout</c> each); 3 × 2 s finds a silo killed mid-build in
/// about 10 s, while three misses in a row still ride out a long GC pause
/// (and Orleans lengthens the timeout while the prober itself is degraded).</item>
/// <item><c>NumVotesForDeathDeclaration</c> stays 2, so one silo with a bad
/// network cannot evict a healthy one in a larger cluster; Orleans lowers
/// the requirement to one vote when at most two live silos are left.</item>
/// <item>Dead entries never delay a start (only Active ones are probed), so
/// cleaning them is housekeeping: after an hour, checked every 10 minutes,
/// so a cluster whose pods are rescheduled often keeps a short table.</item>
/// <item>Silos re-read the table every 15 s rather than every minute, in
/// case gossip about a death is lost.</item>
/// </list>
/// </summary>
public static class Membership
{
    /// <summary>How often a frontend reads the list of gateways again.</summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(10);

    public static void Configure(ClusterMembershipOptions options)
    {
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(3);
        options.NumMissedTableIAmAliveLimit = 2;
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(15);
        options.DefunctSiloExpiration = TimeSpan.FromHours(1);
        options.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(10);
    }
}
