namespace Nixery.Collection;

/// <summary>Garbage collection of images, blobs and Nix GC roots.</summary>
public sealed class CollectionOptions
{
    /// <summary>
    /// <c>NIXERY_GC_INTERVAL</c>: hours between scheduled collections; 0 turns
    /// the schedule off. On by default: without it storage only grows.
    /// </summary>
    public double IntervalHours { get; set; } = 24;

    /// <summary><c>NIXERY_GC_RETENTION</c>: days an image is kept after it was last pulled.</summary>
    public double RetentionDays { get; set; } = 30;

    /// <summary>
    /// <c>NIXERY_GC_GRACE</c>: minutes a blob stays unreferenced before it may
    /// be deleted; longer than the build time limit, so a build's blobs are
    /// never taken before its image is recorded.
    /// </summary>
    public double GraceMinutes { get; set; } = 60;

    public TimeSpan Interval => TimeSpan.FromHours(IntervalHours);
    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);
    public TimeSpan Grace => TimeSpan.FromMinutes(GraceMinutes);
}
