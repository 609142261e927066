using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AudioThinker.Cli.Reliability;

/// <summary>One request the server received, with its body exactly as the bytes that came over the wire.</summary>
/// <param name="Index">Arrival order, from 0.</param>
/// <param name="Path">The request path, e.g. <c>/v1/completions</c>.</param>
/// <param name="Authorization">The Authorization header, if any.</param>
/// <param name="Body">The raw body bytes.</param>
public sealed record ReceivedJudgeRequest(int Index, string Path, string? Authorization, byte[] Body)
{
    /// <summary>The body decoded as UTF-8.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The prompt field of a completions body (or the first chat message's content).</summary>
    public string Prompt
    {
        get
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(Body)!;
            return json["prompt"]?.GetValue<string>() ?? json["messages"]![0]!["content"]!.GetValue<string>();
        }
    }
}

/// <summary>
/// A local OpenAI-compatible judge server (HTTP/1.1 on 127.0.0.1, a free port, one request per connection) that answers as
/// its handler decides, so that the judge client and the trainer can be run against outages, slowness, 429/5xx, garbage and
/// reset connections on purpose. It keeps the received requests (optionally) and counts them.
/// </summary>
public sealed class FaultInjectingJudgeServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<ReceivedJudgeRequest, JudgeReply> _handler;
    private readonly bool _keepRequests;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _index;

    /// <summary>Starts the server.</summary>
    /// <param name="handler">Decides each reply; called concurrently.</param>
    /// <param name="keepRequests">Keep every request in <see cref="Received"/> (off for load runs, to keep memory flat).</param>
    public FaultInjectingJudgeServer(Func<ReceivedJudgeRequest, JudgeReply> handler, bool keepRequests = true)
    {
        _handler = handler;
        _keepRequests = keepRequests;
        _listener.Start(512);
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The API root to configure a judge with.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    /// <summary>The requests received, when kept.</summary>
    public ConcurrentQueue<ReceivedJudgeRequest> Received { get; } = new();

    /// <summary>Requests received so far.</summary>
    public int Count => Volatile.Read(ref _index);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var request = await ReadAsync(stream).ConfigureAwait(false);
            if (request is null)
            {
                return;
            }
            if (_keepRequests)
            {
                Received.Enqueue(request);
            }
            switch (_handler(request))
            {
                case JudgeReply.Drop:
                    socket.LingerState = new LingerOption(true, 0); // close with RST: the client sees a reset, not an answer
                    socket.Close();
                    return;
                case JudgeReply.Http http:
                    if (http.Delay is { } delay)
                    {
                        await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                    }
                    var body = Encoding.UTF8.GetBytes(http.Body);
                    var head = new StringBuilder(CultureInvariant($"HTTP/1.1 {http.Code} {(http.Code == 200 ? "OK" : "Fault")}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n"));
                    if (http.RetryAfter is { } after)
                    {
                        head.Append(CultureInvariant($"Retry-After: {after}\r\n"));
                    }
                    head.Append("\r\n");
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token).ConfigureAwait(false);
                    await stream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
                    socket.Shutdown(SocketShutdown.Send);
                    return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client gave up (its timeout) or the server is stopping.
        }
    }

    private static string CultureInvariant(FormattableString s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<ReceivedJudgeRequest?> ReadAsync(NetworkStream stream)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int headerEnd;
        while ((headerEnd = buffer.GetBuffer().AsSpan(0, (int)buffer.Length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            var n = await stream.ReadAsync(chunk, _stop.Token).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }
            buffer.Write(chunk, 0, n);
        }
        var lines = Encoding.ASCII.GetString(buffer.GetBuffer(), 0, headerEnd).Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var bodyStart = headerEnd + 4;
        while (buffer.Length - bodyStart < length)
        {
            var n = await stream.ReadAsync(chunk, _stop.Token).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }
            buffer.Write(chunk, 0, n);
        }
        var body = buffer.GetBuffer().AsSpan(bodyStart, length).ToArray();
        var path = lines[0].Split(' ') is { Length: >= 2 } start ? start[1] : "";
        return new ReceivedJudgeRequest(Interlocked.Increment(ref _index) - 1, path, headers.GetValueOrDefault("Authorization"), body);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _loop.ConfigureAwait(false);
        _listener.Dispose();
        _stop.Dispose();
    }
}
