// Benchmarks: `dotnet run -c Release --project bench/AudioThinker.Bench -- NAME [options]`.
// Each benchmark is one class in this folder and one line below.
using AudioThinker.Bench;

var benchmarks = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["features"] = FeatureBench.Run,
    ["tokenizer"] = TokenizerBench.Run,
    ["rewards"] = RewardsBench.Run,
    ["generation"] = GenerationBench.Run,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: AudioThinker.Bench <{string.Join("|", benchmarks.Keys)}> [options]");
    return 2;
}
return run(args[1..]);
