using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AudioThinker.Rewards.Tests;

/// <summary>One HTTP request the server received.</summary>
internal sealed record ServerRequest(int Index, string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(Body)!;

    /// <summary>The prompt, from either endpoint's body.</summary>
    public string Prompt => Json["prompt"]?.GetValue<string>() ?? Json["messages"]![0]!["content"]!.GetValue<string>();
}

/// <summary>What the server does with a request.</summary>
internal abstract record Reply
{
    public static Reply Completion(string text, TimeSpan? delay = null) =>
        new Raw(200, new JsonObject { ["object"] = "text_completion", ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = text }) }.ToJsonString(), delay);

    public static Reply Chat(string text) =>
        new Raw(200, new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text } }) }.ToJsonString());

    public static Reply Status(int code, string? retryAfter = null) =>
        new Raw(code, "{\"error\":\"injected\"}", Headers: retryAfter is null ? null : new Dictionary<string, string> { ["Retry-After"] = retryAfter });

    /// <summary>An HTTP answer, sent after an optional delay.</summary>
    public sealed record Raw(int Code, string Body, TimeSpan? Delay = null, IReadOnlyDictionary<string, string>? Headers = null) : Reply;

    /// <summary>Reset the connection (RST) without answering.</summary>
    public sealed record Reset : Reply;
}

/// <summary>
/// A small OpenAI-compatible HTTP/1.1 server on 127.0.0.1 that answers as its handler says: properly, slowly, with an
/// error status, with garbage, or by resetting the connection. Tracks requests and the peak number handled at once.
/// It stops when disposed; every connection is closed after one answer.
/// </summary>
internal sealed class FaultyOpenAiServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<ServerRequest, Reply> _handler;
    private readonly Task _accepting;
    private int _index, _active, _peak;

    public FaultyOpenAiServer(Func<ServerRequest, Reply> handler)
    {
        _handler = handler;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1";

    public ConcurrentQueue<ServerRequest> Received { get; } = new();

    public int Peak => Volatile.Read(ref _peak);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var request = await ReadAsync(stream);
            if (request is null)
            {
                return;
            }
            int now = Interlocked.Increment(ref _active);
            InterlockedMax(ref _peak, now);
            try
            {
                Received.Enqueue(request);
                switch (_handler(request))
                {
                    case Reply.Reset:
                        client.Client.LingerState = new LingerOption(true, 0);
                        client.Client.Close();
                        return;
                    case Reply.Raw raw:
                        if (raw.Delay is { } delay)
                        {
                            // Stop waiting as soon as the client hangs up, so Peak counts only requests the client still awaits.
                            var hangUp = stream.ReadAsync(new byte[1], _stop.Token).AsTask();
                            if (await Task.WhenAny(Task.Delay(delay, _stop.Token), hangUp) == hangUp)
                            {
                                return;
                            }
                        }
                        var body = Encoding.UTF8.GetBytes(raw.Body);
                        var head = new StringBuilder($"HTTP/1.1 {raw.Code} {Reason(raw.Code)}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n");
                        foreach (var (k, v) in raw.Headers ?? new Dictionary<string, string>())
                        {
                            head.Append($"{k}: {v}\r\n");
                        }
                        head.Append("\r\n");
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                        await stream.WriteAsync(body, _stop.Token);
                        break;
                }
            }
            finally
            {
                Interlocked.Decrement(ref _active);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client gave up (a timeout under test) or the server is stopping.
        }
    }

    private async Task<ServerRequest?> ReadAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        int headerEnd = -1;
        while (headerEnd < 0)
        {
            int n = await stream.ReadAsync(chunk, _stop.Token);
            if (n == 0)
            {
                return null;
            }
            buffer.AddRange(chunk.AsSpan(0, n));
            headerEnd = IndexOf(buffer, "\r\n\r\n"u8);
        }
        var lines = Encoding.ASCII.GetString(buffer.GetRange(0, headerEnd).ToArray()).Split("\r\n");
        var start = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        int length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl) : 0;
        int bodyStart = headerEnd + 4;
        while (buffer.Count - bodyStart < length)
        {
            int n = await stream.ReadAsync(chunk, _stop.Token);
            if (n == 0)
            {
                return null;
            }
            buffer.AddRange(chunk.AsSpan(0, n));
        }
        var body = Encoding.UTF8.GetString(buffer.GetRange(bodyStart, length).ToArray());
        return new ServerRequest(Interlocked.Increment(ref _index) - 1, start[0], start[1], headers, body);
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Count; i++)
        {
            int k = 0;
            while (k < needle.Length && haystack[i + k] == needle[k])
            {
                k++;
            }
            if (k == needle.Length)
            {
                return i;
            }
        }
        return -1;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static string Reason(int code) => code switch
    {
        200 => "OK",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
