namespace Nixery.Layering;

/// <summary>
/// The layering strategies an operator can choose from by name
/// (case-insensitive), and which one is used when none is chosen.
/// </summary>
public sealed class LayeringStrategies
{
    /// <summary>The strategy used unless configured otherwise.</summary>
    public const string DefaultName = StableLayering.StrategyName;

    /// <summary>The layer budget used unless configured otherwise (the customisation layer comes on top).</summary>
    public const int DefaultBudget = StableLayering.DefaultBudget;

    private readonly SortedDictionary<string, ILayeringStrategy> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The built-in strategies: <c>nixery</c>, <c>popularity</c> and <c>stable</c>.</summary>
    public LayeringStrategies() : this([new NixeryLayering(), new PopularityLayering(), new StableLayering()])
    {
    }

    public LayeringStrategies(IEnumerable<ILayeringStrategy> strategies)
    {
        foreach (var strategy in strategies)
            if (!_byName.TryAdd(strategy.Name, strategy))
                throw new ArgumentException($"two layering strategies are named '{strategy.Name}'", nameof(strategies));
    }

    /// <summary>Names in alphabetical order, as they were registered.</summary>
    public IReadOnlyList<string> Names => _byName.Values.Select(s => s.Name).ToArray();

    public ILayeringStrategy Default => Resolve(DefaultName);

    public bool TryResolve(string name, out ILayeringStrategy strategy) =>
        _byName.TryGetValue(name.Trim(), out strategy!);

    /// <exception cref="ArgumentException">No strategy has that name; the message lists the ones there are.</exception>
    public ILayeringStrategy Resolve(string name) =>
        TryResolve(name, out var strategy)
            ? strategy
            : throw new ArgumentException($"unknown layering strategy '{name}'; known: {string.Join(", ", Names)}", nameof(name));
}
