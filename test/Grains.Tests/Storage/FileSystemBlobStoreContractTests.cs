using Nixery.Storage;
using Nixery.Tests.Support;

namespace Nixery.Tests.Storage;

/// <summary>The blob-store contract on the filesystem backend.</summary>
[Trait("Category", "Unit")]
public sealed class FileSystemBlobStoreContractTests : BlobStoreContract
{
    private readonly TemporaryDirectory _root = new();

    protected override Type LocationKind => typeof(BlobLocation.LocalFile);

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(new FileSystemBlobStore(_root.Path));

    protected override Task<IReadOnlyList<string>> LeftoversAsync() =>
        Task.FromResult<IReadOnlyList<string>>(Directory.EnumerateFiles(_root.Combine("staging")).ToList());

    public override Task DisposeAsync()
    {
        _root.Dispose();
        return Task.CompletedTask;
    }
}
