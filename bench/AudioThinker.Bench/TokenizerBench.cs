using System.Diagnostics;
using System.Globalization;
using AudioThinker.Abstractions;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Tokenization;

namespace AudioThinker.Bench;

/// <summary>
/// Tokenizer throughput on synthetic-dataset-like text: the Qwen3 <see cref="HfTokenizer"/> against the
/// <see cref="CompactTokenizer"/> (load/build time, encode and decode tokens/s), and <see cref="PromptBuilder"/>'s
/// piecewise ids against encoding the rendered text of a 30 s (750 audio token) prompt.
/// Options: <c>--tokenizer PATH</c> (tokenizer.json[.gz]), <c>--config PATH</c> (tokenizer_config.json),
/// <c>--seconds S</c> per measurement (default 2).
/// </summary>
public static class TokenizerBench
{
    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var fixtures = Path.Combine(FindRepoRoot(), "tests", "AudioThinker.Policies.Tests", "Fixtures");
        var tokenizerPath = Option(args, "--tokenizer") ?? Path.Combine(fixtures, "qwen3_tokenizer.json.gz");
        var configPath = Option(args, "--config") ?? Path.Combine(fixtures, "qwen3_tokenizer_config.json");
        var seconds = double.Parse(Option(args, "--seconds") ?? "2", CultureInfo.InvariantCulture);

        var questions = SyntheticQuestions(200);
        var texts = PromptCorpus.Texts(questions, [PromptTemplates.Adaptive]).ToList();
        var chars = texts.Sum(t => t.Length);

        var sw = Stopwatch.StartNew();
        var hf = HfTokenizer.FromFiles(tokenizerPath, configPath);
        var hfLoad = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var compact = CompactTokenizer.Build(PromptCorpus.Texts(questions));
        var compactBuild = sw.Elapsed.TotalMilliseconds;

        var rows = new List<IReadOnlyList<string>>();
        foreach (var (name, tok, setup) in new (string, ITextTokenizer, double)[] { ("qwen3 (HfTokenizer)", hf, hfLoad), ("compact", compact, compactBuild) })
        {
            var tokens = texts.Sum(t => tok.Encode(t).Count);
            var encodePerSec = Rate(seconds, () => { foreach (var t in texts) { tok.Encode(t); } }) * tokens;
            var encoded = texts.Select(t => tok.Encode(t)).ToList();
            var decodePerSec = Rate(seconds, () => { foreach (var ids in encoded) { tok.Decode(ids); } }) * tokens;
            rows.Add([name, tok.VocabularySize.ToString(CultureInfo.InvariantCulture), F(setup, "0"), F((double)chars / tokens, "0.00"),
                F(encodePerSec / 1e6, "0.00"), F(decodePerSec / 1e6, "0.00")]);
        }
        Console.WriteLine($"{texts.Count} prompt and response texts, {chars:N0} characters; {seconds} s per measurement");
        Console.WriteLine();
        Table.Print(["tokenizer", "vocabulary", "load/build ms", "chars/token", "encode Mtok/s", "decode Mtok/s"], rows);
        Console.WriteLine();

        // A 30 s clip: 750 <|AUDIO|> tokens. The builder appends their ids; the alternative encodes the rendered text.
        var builder = new PromptBuilder(compact);
        var question = questions[0];
        var piecewise = Rate(seconds, () => builder.Build(question, PromptTemplates.Adaptive, 750));
        var text = builder.Build(question, PromptTemplates.Adaptive, 750).Text;
        var whole = Rate(seconds, () => compact.Encode(text));
        Table.Print(["750-audio-token prompt (compact)", "prompts/s", "ratio"],
        [
            ["PromptBuilder.Build (ids appended)", F(piecewise, "0"), F(piecewise / whole, "0.0") + "×"],
            ["Encode(rendered text)", F(whole, "0"), "1.0×"],
        ]);
        return 0;
    }

    private static List<AudioQuestion> SyntheticQuestions(int count)
    {
        var rng = new Random(5);
        string[] sounds = ["beep", "tone", "click", "chirp", "knock"];
        string[] pitches = ["low", "middle", "high"];
        var list = new List<AudioQuestion>(count);
        for (var i = 0; i < count; i++)
        {
            var sound = sounds[rng.Next(sounds.Length)];
            var n = rng.Next(1, 9);
            var hz = rng.Next(2, 20) * 110;
            list.Add(new AudioQuestion($"q{i}", new AudioReference($"{i}.wav"), $"How many {sound}s are there in the audio, and is the last one {pitches[rng.Next(3)]}?",
                [$"{n} {sound}s", $"{n + 1} {sound}s", $"{n + 2} {sound}s", $"{n + 3} {sound}s"], $"{n} {sound}s")
            {
                ReferenceReasoning = $"I hear {n} {sound}s, one every {rng.Next(2, 9) * 100} ms. The last {sound} is at {hz} Hz, which is {pitches[hz / 800 % 3]}. So the answer is {n} {sound}s.",
            });
        }
        return list;
    }

    // Calls per second of an action, timed over about `seconds` after one warm-up call.
    private static double Rate(double seconds, Action action)
    {
        action();
        var sw = Stopwatch.StartNew();
        var calls = 0;
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            action();
            calls++;
        }
        return calls / sw.Elapsed.TotalSeconds;
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AudioThinker.sln")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
