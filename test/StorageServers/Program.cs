using Nixery.StorageServers;

// Runs the GCS stand-in alone, for the storage benchmark:
//   gcs-stand-in --port N --bucket NAME --key-directory DIR
// prints "endpoint <json api base>" and "key <service-account key file>",
// then serves until killed.
if (args is not ["gcs-stand-in", ..])
{
    Console.Error.WriteLine("usage: Nixery.StorageServers gcs-stand-in [--port N] [--bucket NAME] [--key-directory DIR]");
    return 2;
}
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;

await using var standIn = await GcsStandIn.StartAsync(int.Parse(Option("--port", "0")));
standIn.CreateBucket(Option("--bucket", "nixery"));
var keyDirectory = Option("--key-directory", Path.GetTempPath());
Directory.CreateDirectory(keyDirectory);
Console.WriteLine($"endpoint {standIn.Endpoint}");
Console.WriteLine($"key {standIn.Accounts.CreateKeyFile(keyDirectory, standIn.TokenUri)}");
// Kestrel's host stops on SIGTERM or Ctrl-C.
await standIn.WaitForShutdownAsync();
return 0;
