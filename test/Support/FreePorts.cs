using System.Net;
using System.Net.Sockets;

namespace Nixery.Tests.Support;

/// <summary>
/// Ports for the servers tests start as child processes, which must be told
/// their port. A port is taken below Linux's ephemeral range (32768 and up),
/// where no outgoing connection and no port-0 bind on this shared machine can
/// land on it, never handed out twice in one test run, and held by a bound
/// socket (<see cref="PortLease"/>) until the launcher starts the process that
/// listens on it, so other runs taking ports the same way skip it.
/// </summary>
public static class FreePorts
{
    private const int First = 20_000;
    private const int Count = 12_000;
    private static readonly object Gate = new();
    private static readonly HashSet<int> Given = [];

    // Concurrent test runs (other worktrees) start at different places.
    private static int _next = Random.Shared.Next(Count);

    public static PortLease Lease()
    {
        lock (Gate)
        {
            for (var tried = 0; tried < Count; tried++)
            {
                var port = First + _next++ % Count;
                if (!Given.Add(port)) continue;
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Any, port));
                    return new PortLease(port, socket);
                }
                catch (SocketException)
                {
                    socket.Dispose();
                }
            }
        }
        throw new InvalidOperationException($"no free port from {First} to {First + Count - 1}");
    }
}

/// <summary>A port held by a bound socket until <see cref="Dispose"/>, which the launcher calls just before the server starts.</summary>
public sealed class PortLease(int port, Socket socket) : IDisposable
{
    public int Port { get; } = port;

    public override string ToString() => Port.ToString();

    public void Dispose() => socket.Dispose();
}
