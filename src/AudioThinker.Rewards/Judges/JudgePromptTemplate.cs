using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Judges;

/// <summary>
/// A judge prompt: text with the placeholders <c>{{question}}</c>, <c>{{choices}}</c>, <c>{{reasoning}}</c>, <c>{{answer}}</c>
/// and <c>{{facts}}</c>. Substitution is one pass, so text inside a value is never read as a placeholder, and any run of three
/// or more <c>&lt;</c> or <c>&gt;</c> in a value is broken up, so a response cannot close the <c>&lt;&lt;&lt;END …&gt;&gt;&gt;</c>
/// delimiters that mark it as data.
/// </summary>
public sealed partial class JudgePromptTemplate
{
    private static readonly string[] Known = ["question", "choices", "reasoning", "answer", "facts"];

    private JudgePromptTemplate(string text, string source)
    {
        Text = text;
        Source = source;
    }

    /// <summary>The template text.</summary>
    public string Text { get; }

    /// <summary>Where it came from: a file path, or <c>embedded:NAME</c>.</summary>
    public string Source { get; }

    /// <summary>The template shipped with the library for <paramref name="kind"/>.</summary>
    public static JudgePromptTemplate Default(JudgeKind kind)
    {
        var file = kind == JudgeKind.Consistency ? "consistency.txt" : "think-quality.txt";
        var name = $"AudioThinker.Rewards.Judges.Prompts.{file}";
        using var stream = typeof(JudgePromptTemplate).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded judge prompt {name} is missing from the assembly");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Create(reader.ReadToEnd(), $"embedded:{file}", kind);
    }

    /// <summary>Loads a replacement template from <paramref name="path"/>, or the default when it is null.</summary>
    /// <param name="kind">Which judgement the template asks for.</param>
    /// <param name="path">The template file.</param>
    /// <param name="key">The configuration key that named the file, for messages.</param>
    public static JudgePromptTemplate Load(JudgeKind kind, string? path, string key)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return Default(kind);
        }
        if (!File.Exists(path))
        {
            throw new RewardsConfigurationException($"{key}: judge prompt file '{path}' does not exist");
        }
        return Create(File.ReadAllText(path, Encoding.UTF8), path, kind);
    }

    /// <summary>Checks and wraps template text: only known placeholders, and the ones the kind needs must be present.</summary>
    public static JudgePromptTemplate Create(string text, string source, JudgeKind kind)
    {
        ArgumentNullException.ThrowIfNull(text);
        var used = Placeholder().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var unknown = used.Except(Known).ToList();
        if (unknown.Count > 0)
        {
            throw new RewardsConfigurationException(
                $"judge prompt '{source}' uses unknown placeholder {{{{{unknown[0]}}}}}; known: {string.Join(", ", Known.Select(k => "{{" + k + "}}"))}");
        }
        string[] required = kind == JudgeKind.Consistency ? ["reasoning", "answer"] : ["reasoning"];
        foreach (var r in required)
        {
            if (!used.Contains(r))
            {
                throw new RewardsConfigurationException($"judge prompt '{source}' for {kind} must contain {{{{{r}}}}}");
            }
        }
        return new JudgePromptTemplate(text, source);
    }

    /// <summary>The prompt for one request.</summary>
    public string Render(JudgeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Placeholder().Replace(Text, m => Neutralize(m.Groups[1].Value switch
        {
            "question" => request.Question,
            "choices" => FormatChoices(request.Choices),
            "reasoning" => request.Reasoning,
            "answer" => request.Answer,
            "facts" => FormatFacts(request.Facts),
            _ => m.Value,
        }));
    }

    /// <summary>Breaks every run of three or more angle brackets so that data cannot forge a delimiter.</summary>
    public static string Neutralize(string? value) =>
        AngleRun().Replace(value ?? "", m => string.Join(' ', m.Value.ToCharArray()));

    private static string FormatChoices(IReadOnlyList<string> choices) =>
        choices.Count == 0
            ? "(none: an open question)"
            : string.Join('\n', choices.Select((c, i) => $"{(char)('A' + Math.Min(i, 25))}. {c}"));

    private static string FormatFacts(IReadOnlyDictionary<string, string> facts) =>
        facts.Count == 0
            ? "(none given)"
            : string.Join('\n', facts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key.Replace('_', ' ')}: {kv.Value}")));

    [GeneratedRegex(@"\{\{([a-zA-Z_]+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"<{3,}|>{3,}")]
    private static partial Regex AngleRun();
}
