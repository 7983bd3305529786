using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nixery.Configuration;
using Nixery.Storage;
using Nixery.StorageServers;

namespace Nixery.Tests.Configuration;

[Trait("Category", "Unit")]

public class StorageConfigurationTests
{
    private static IConfiguration From(params (string Name, string Value)[] variables) =>
        new ConfigurationBuilder()
            .AddNixeryEnvironment(new Hashtable(variables.Append(("NIXERY_PKGS_PATH", "/")).ToDictionary(v => v.Item1, v => v.Item2)))
            .Build();

    [Theory]
    [InlineData("gcs", "GCS_BUCKET")]
    [InlineData("s3", "S3_BUCKET")]
    [InlineData("azure", "NIXERY_AZURE_CONNECTION_STRING")]
    public void Each_object_storage_backend_names_the_variable_it_needs(string backend, string variable) =>
        Assert.Contains(ConfigurationCheck.Problems(From(("NIXERY_STORAGE_BACKEND", backend))),
            p => p == $"{variable}: must be set for NIXERY_STORAGE_BACKEND={backend}");

    [Fact]
    public void A_malformed_azure_connection_string_is_named() =>
        Assert.Contains(ConfigurationCheck.Problems(From(("NIXERY_STORAGE_BACKEND", "azure"), ("NIXERY_AZURE_CONNECTION_STRING", "nonsense"))),
            p => p.StartsWith("NIXERY_AZURE_CONNECTION_STRING:", StringComparison.Ordinal));

    [Theory]
    [InlineData("NIXERY_REDIRECT_LIFETIME", "0")]
    [InlineData("NIXERY_REDIRECT_LIFETIME", "604801")]
    [InlineData("S3_USE_PRESIGNED_URLS", "yes")]
    [InlineData("NIXERY_STORAGE_REDIRECTS", "sometimes")]
    [InlineData("NIXERY_S3_ENDPOINT", "127.0.0.1:9000")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS", "/no/such/key.json")]
    public void A_bad_storage_value_is_reported_with_the_variable_name(string name, string value) =>
        Assert.Contains(ConfigurationCheck.Problems(From(("STORAGE_PATH", "/tmp/x"), (name, value))), p => p.StartsWith(name + ":", StringComparison.Ordinal));

    [Fact]
    public void A_complete_object_storage_configuration_has_no_problems()
    {
        Assert.Empty(ConfigurationCheck.Problems(From(("NIXERY_STORAGE_BACKEND", "s3"), ("S3_BUCKET", "layers"))));
        Assert.Empty(ConfigurationCheck.Problems(From(("NIXERY_STORAGE_BACKEND", "gcs"), ("GCS_BUCKET", "layers"))));
        Assert.Empty(ConfigurationCheck.Problems(From(("NIXERY_STORAGE_BACKEND", "azure"), ("NIXERY_AZURE_CONNECTION_STRING", Azurite.ConnectionStringFor(10000, 10002)))));
    }

    [Fact]
    public void Nixerys_variable_names_bind_the_storage_options()
    {
        var options = Options(
            ("NIXERY_STORAGE_BACKEND", "s3"), ("S3_BUCKET", "layers"), ("AWS_REGION", "eu-west-1"), ("S3_USE_PRESIGNED_URLS", "false"),
            ("NIXERY_S3_ENDPOINT", "http://127.0.0.1:9000"), ("NIXERY_REDIRECT_LIFETIME", "60"), ("NIXERY_STORAGE_REDIRECTS", "false"),
            ("GCS_BUCKET", "gcs-layers"), ("NIXERY_AZURE_CONTAINER", "images"));
        Assert.Equal(("s3", "layers", "eu-west-1", false, "http://127.0.0.1:9000"), (options.Backend, options.S3.Bucket, options.S3.Region, options.S3.UsePresignedUrls, options.S3.Endpoint));
        Assert.Equal((TimeSpan.FromMinutes(1), false), (options.Delivery.RedirectLifetime, options.Delivery.Redirects));
        Assert.Equal(("gcs-layers", "images"), (options.Gcs.Bucket, options.Azure.Container));
    }

    [Fact]
    public void Defaults_follow_nixery_five_minute_redirects_presigned_s3_urls_and_us_east_1()
    {
        var options = Options();
        Assert.Equal(TimeSpan.FromMinutes(5), options.Delivery.RedirectLifetime);
        Assert.True(options.Delivery.Redirects);
        Assert.True(options.S3.UsePresignedUrls);
        Assert.Equal("us-east-1", options.S3.Region);
    }

    [Theory]
    [InlineData("azure", typeof(AzureBlobStore))]
    [InlineData("s3", typeof(S3BlobStore))]
    [InlineData("gcs", typeof(GcsBlobStore))]
    public void The_backend_variable_selects_the_store_behind_the_failure_boundary(string backend, Type store)
    {
        var configuration = From(("NIXERY_STORAGE_BACKEND", backend), ("S3_BUCKET", "b"), ("GCS_BUCKET", "b"),
            ("NIXERY_GCS_ENDPOINT", "http://127.0.0.1:1/storage/v1/"), ("NIXERY_AZURE_CONNECTION_STRING", Azurite.ConnectionStringFor(1, 2)));
        using var services = new ServiceCollection().AddNixeryStorage(configuration).BuildServiceProvider();
        var boundary = Assert.IsType<ServiceFailureBoundary>(services.GetRequiredService<IBlobStore>());
        Assert.IsType(store, boundary.Inner);
    }

    private static StorageOptions Options(params (string, string)[] variables)
    {
        using var services = new ServiceCollection().AddNixeryStorage(From(variables)).BuildServiceProvider();
        return services.GetRequiredService<IOptions<StorageOptions>>().Value;
    }
}
