using AudioThinker.Abstractions;
using AudioThinker.Data.Synthetic;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Presets;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Runtime;
using AudioThinker.Policies.Tokenization;

namespace AudioThinker.Grpo.Tests;

/// <summary>A few synthetic questions, a compact tokenizer built from them and a fresh `tiny` model.</summary>
internal static class TinySetup
{
    public static IReadOnlyList<AudioQuestion> Questions(int perLevel = 2, long seed = 3) =>
        new SyntheticGenerator(new SyntheticOptions { Seed = seed, ClipSeconds = 2, Counts = new LevelCounts { Easy = perLevel, Medium = perLevel, Hard = perLevel } }).Generate();

    public static CompactTokenizer Tokenizer(IReadOnlyList<AudioQuestion> questions) =>
        CompactTokenizer.Build(PromptCorpus.Texts(questions, PromptTemplates.All));

    public static PolicySession Session(IReadOnlyList<AudioQuestion> questions, long seed = 0)
    {
        TorchRuntime.Initialize();
        var tokenizer = Tokenizer(questions);
        return new PolicySession(ModelPresets.CreateQwen2Audio("tiny", tokenizer, seed), tokenizer);
    }

    public static string TempDir(string name) => Directory.CreateTempSubdirectory("at-" + name).FullName;
}
