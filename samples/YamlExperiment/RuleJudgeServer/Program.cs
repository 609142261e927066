// A local OpenAI-compatible judge server for samples/YamlExperiment:
//   dotnet run --project samples/YamlExperiment/RuleJudgeServer -- [--port 18080] [--model NAME] [--exit-after-seconds 900]
// POST /v1/completions answers AudioThinker's judge prompts with the rule-based judge; GET /v1/models lists the model.
// It listens on 127.0.0.1 only and stops by itself after --exit-after-seconds, or on Ctrl-C / SIGTERM.
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Rewards.Judges;
using RuleJudgeServer;

var port = 18080;
var model = "rule-judge";
var lifetime = TimeSpan.FromSeconds(900);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--model": model = args[i + 1]; break;
        case "--exit-after-seconds": lifetime = TimeSpan.FromSeconds(double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture)); break;
        default: Console.Error.WriteLine($"unknown option {args[i]} (known: --port, --model, --exit-after-seconds)"); return 2;
    }
}

var judge = new RuleBasedJudge();
using var listener = new HttpListener();
listener.Prefixes.Add($"http://127.0.0.1:{port}/");
listener.Start();
using var stop = new CancellationTokenSource(lifetime);
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
// SIGTERM (kill PID) ends the loop the same way, so the closing counts are printed.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
stop.Token.Register(listener.Stop);
Console.WriteLine($"rule judge serving '{model}' at http://127.0.0.1:{port}/v1 (stops after {lifetime.TotalSeconds:F0} s)");

var served = 0;
var rejected = 0;
while (!stop.IsCancellationRequested)
{
    HttpListenerContext context;
    try
    {
        context = await listener.GetContextAsync().ConfigureAwait(false);
    }
    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
    {
        break; // stopped
    }
    _ = Task.Run(async () =>
    {
        var (status, body) = await Answer(context.Request).ConfigureAwait(false);
        if (status == 200) { Interlocked.Increment(ref served); } else { Interlocked.Increment(ref rejected); }
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    });
}
Console.WriteLine($"rule judge stopped: {served} requests answered, {rejected} rejected");
return 0;

async Task<(int Status, JsonNode Body)> Answer(HttpListenerRequest request)
{
    var path = request.Url?.AbsolutePath.TrimEnd('/') ?? "";
    if (request.HttpMethod == "GET" && path == "/v1/models")
    {
        return (200, new JsonObject { ["object"] = "list", ["data"] = new JsonArray(new JsonObject { ["id"] = model, ["object"] = "model" }) });
    }
    if (request.HttpMethod != "POST" || path != "/v1/completions")
    {
        return (404, Error($"no route {request.HttpMethod} {path}: this server has GET /v1/models and POST /v1/completions"));
    }
    try
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var json = JsonNode.Parse(await reader.ReadToEndAsync().ConfigureAwait(false)) ?? throw new FormatException("empty body");
        var prompt = json["prompt"]?.GetValue<string>() ?? throw new FormatException("the body has no 'prompt' string");
        var judgeRequest = JudgePromptReader.Read(prompt);
        var verdict = judge.Judge(judgeRequest);
        var text = JudgePromptReader.Format(judgeRequest.Kind, verdict.Score);
        return (200, new JsonObject
        {
            ["id"] = "cmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "text_completion",
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = text, ["finish_reason"] = "stop" }),
        });
    }
    catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
    {
        return (400, Error(e.Message));
    }
}

static JsonObject Error(string message) => new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error" } };
