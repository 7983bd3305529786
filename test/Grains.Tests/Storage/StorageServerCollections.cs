namespace Nixery.Tests.Storage;

// xunit finds collection definitions only in the test assembly; the fixtures are in test/Support.
[CollectionDefinition("azurite")]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;

[CollectionDefinition("s3rver")]
public sealed class S3rverCollection : ICollectionFixture<S3rverFixture>;
