using System.Diagnostics;

namespace Nixery.Tests.Support;

/// <summary>
/// The npm-installed storage servers under <c>.work/node</c>. A missing one
/// is installed (scripts/install-storage-servers, which scripts/setup also
/// runs), never skipped.
/// </summary>
public static class NodeTools
{
    private static readonly SemaphoreSlim Installing = new(1, 1);

    public static string RepositoryRoot { get; } = FindRoot();

    public static async Task<string> BinAsync(string name)
    {
        var path = Path.Combine(RepositoryRoot, ".work", "node", "node_modules", ".bin", name);
        if (File.Exists(path)) return path;
        await Installing.WaitAsync();
        try
        {
            if (!File.Exists(path))
            {
                var install = Process.Start(new ProcessStartInfo(Path.Combine(RepositoryRoot, "scripts", "install-storage-servers"))
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
                var output = install.StandardOutput.ReadToEndAsync();
                var errors = install.StandardError.ReadToEndAsync();
                await install.WaitForExitAsync();
                if (install.ExitCode != 0 || !File.Exists(path))
                    throw new InvalidOperationException($"installing {name} failed ({install.ExitCode}):\n{await output}\n{await errors}");
            }
            return path;
        }
        finally
        {
            Installing.Release();
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nixery.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("the storage servers are found relative to the repository");
    }
}
