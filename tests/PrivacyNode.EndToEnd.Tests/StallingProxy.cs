using System.Net;
using System.Net.Sockets;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// A TCP relay on loopback between a node and the peer it dials, which can stop relaying at any moment: from then on it reads
/// nothing from either side and sends nothing, with every connection left open, as a frozen peer or a black-holed route does.
/// TLS passes through it untouched.
/// </summary>
internal sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _connections = [];
    private volatile bool _stalled;
    private Task _accepting = Task.CompletedTask;

    public StallingProxy()
    {
        _listener.Start();
    }

    /// <summary>Where nodes dial the proxy.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Starts relaying every connection to <paramref name="target"/>.</summary>
    public void RelayTo(IPEndPoint target) => _accepting = AcceptAsync(target);

    /// <summary>Stops relaying; connections stay open and unread.</summary>
    public void Stall() => _stalled = true;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
        }

        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task AcceptAsync(IPEndPoint target)
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outbound = new TcpClient();
            await outbound.ConnectAsync(target, _stopping.Token);
            lock (_connections)
            {
                _connections.AddRange([inbound, outbound]);
            }

            _ = PumpAsync(inbound.GetStream(), outbound.GetStream());
            _ = PumpAsync(outbound.GetStream(), inbound.GetStream());
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (!_stalled)
            {
                var read = await from.ReadAsync(buffer, _stopping.Token);
                if (read == 0 || _stalled)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }
}
