using AudioThinker.Abstractions;
using AudioThinker.Rewards.Parsing;

namespace AudioThinker.Rewards.Tests;

/// <summary>Builds batches from completion texts for the tests.</summary>
internal static class Batches
{
    public static readonly string[] Animals = ["dog", "cat", "bird", "cow"];

    public static AudioQuestion Question(string id = "q", string answer = "dog", IReadOnlyList<string>? choices = null,
        IReadOnlyDictionary<string, string>? facts = null) =>
        new(id, null, "Which animal makes the sound?", choices ?? Animals, answer) { Facts = facts ?? new Dictionary<string, string>() };

    public static Rollout Rollout(string text) => new(text, [], false, TaggedResponseParser.Instance.Parse(text));

    public static RolloutGroup Group(AudioQuestion question, params string[] completions) =>
        new(question, completions.Select(Rollout).ToArray());

    public static RolloutGroup Group(params string[] completions) => Group(Question(), completions);

    public static string Think(string thought, string answer) => $"<think>{thought}</think><answer>{answer}</answer>";

    public static string NoThink(string answer) => $"<answer>{answer}</answer>";
}
