using System.Globalization;
using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Judges;

/// <summary>
/// A deterministic, offline judge. Consistency: 1 when the conclusion the reasoning states names the same choice as the
/// answer (or, for open questions, contains the answer's words), else 0. Think quality: the share of ground-truth facts the
/// reasoning states rightly (minus those it states wrongly), or without facts a score for engaging with the question, times a
/// structural factor for length and repetition, rounded to 0.1. Every verdict parses; its raw output explains the score.
/// The exact rules are in docs/judges.md.
/// </summary>
public sealed class RuleBasedJudge : IJudge
{
    /// <summary>The name the rule-based judge is registered under by default.</summary>
    public const string DefaultName = "rule";

    private static readonly HashSet<string> QuestionStopWords = new(StringComparer.Ordinal)
    {
        "what", "which", "that", "this", "there", "these", "those", "does", "have", "from", "with", "about", "many", "much",
        "audio", "sound", "sounds", "clip", "recording", "hear", "heard", "listen", "following", "options", "choose", "answer",
        "question", "the",
    };

    private readonly RuleBasedJudgeOptions _options;

    /// <summary>Creates the judge.</summary>
    public RuleBasedJudge(string name = DefaultName, RuleBasedJudgeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _options = options ?? new RuleBasedJudgeOptions();
        RewardsConfigurationException.ThrowIfAny(_options.Validate($"rewards:judges:{name}"));
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<JudgeVerdict>> JudgeAsync(IReadOnlyList<JudgeRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var verdicts = new JudgeVerdict[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            verdicts[i] = Judge(requests[i]);
        }
        return Task.FromResult<IReadOnlyList<JudgeVerdict>>(verdicts);
    }

    /// <summary>Judges one request.</summary>
    public JudgeVerdict Judge(JudgeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Kind == JudgeKind.Consistency ? Consistency(request) : ThinkQuality(request);
    }

    private static JudgeVerdict Consistency(JudgeRequest r)
    {
        var conclusion = ConclusionFinder.Find(r.Reasoning ?? "", r.Choices);
        if (conclusion.Text is null)
        {
            return new JudgeVerdict(0, true, "0: the reasoning states no conclusion");
        }
        bool agree;
        string detail;
        if (r.Choices.Count > 0)
        {
            int answer = ConclusionFinder.ChoiceOf(r.Answer ?? "", r.Choices);
            agree = answer >= 0
                ? answer == conclusion.Choice
                : ContainsWords(conclusion.Text, r.Answer);
            detail = $"conclusion '{conclusion.Text}' ({conclusion.How}) is choice {Label(conclusion.Choice)}; answer '{r.Answer}' is choice {Label(answer)}";
        }
        else
        {
            agree = ContainsWords(conclusion.Text, r.Answer);
            detail = $"conclusion '{conclusion.Text}' ({conclusion.How}) {(agree ? "contains" : "lacks")} answer '{r.Answer}'";
        }
        return new JudgeVerdict(agree ? 1 : 0, true, $"{(agree ? 1 : 0)}: {detail}");
    }

    private JudgeVerdict ThinkQuality(JudgeRequest r)
    {
        var reasoning = r.Reasoning ?? "";
        var words = ReasoningText.Canon(reasoning);
        if (words.Length < _options.MinWords)
        {
            return Verdict(0, $"degenerate: {words.Length} words (minimum {_options.MinWords})");
        }
        double distinct = DistinctTrigramShare(words);
        if (distinct < _options.RepetitionFloor)
        {
            return Verdict(0, Invariant($"repetitive: distinct trigram share {distinct:0.00} below {_options.RepetitionFloor:0.00}"));
        }
        double structure = distinct >= _options.RepetitionFull
            ? 1
            : (distinct - _options.RepetitionFloor) / (_options.RepetitionFull - _options.RepetitionFloor);
        if (words.Length > _options.MaxWords)
        {
            structure *= (double)_options.MaxWords / words.Length;
        }

        double content;
        string contentNote;
        if (r.Facts.Count > 0)
        {
            var checks = FactChecker.Check(reasoning, r.Facts);
            int right = checks.Count(c => c.Outcome == FactOutcome.Right);
            int wrong = checks.Count(c => c.Outcome == FactOutcome.Wrong);
            content = Math.Max(0, (double)(right - wrong) / checks.Count);
            contentNote = $"facts {right} right, {wrong} wrong, {checks.Count - right - wrong} missing of {checks.Count} ["
                + string.Join("; ", checks.Select(c => $"{c.Name}={c.Value}: {c.Outcome.ToString().ToLowerInvariant()}{(c.Stated is null ? "" : $" ({c.Stated})")}"))
                + "]";
        }
        else
        {
            bool engaged = Engages(words, r);
            content = engaged ? 1 : 0.5;
            contentNote = engaged ? "no facts; engages with the question" : "no facts; mentions no choice or question word";
        }
        double score = Math.Round(structure * content * 10, MidpointRounding.AwayFromZero) / 10;
        return Verdict(score, Invariant($"{contentNote}; {words.Length} words; distinct trigram share {distinct:0.00}; structure {structure:0.00}"));
    }

    private static bool Engages(string[] words, JudgeRequest r)
    {
        foreach (var choice in r.Choices)
        {
            if (ReasoningText.IndexOf(words, ReasoningText.Canon(choice)) >= 0)
            {
                return true;
            }
        }
        var set = words.ToHashSet(StringComparer.Ordinal);
        return ReasoningText.Canon(r.Question).Any(w => w.Length >= 4 && !QuestionStopWords.Contains(w) && set.Contains(w));
    }

    /// <summary>Distinct word trigrams over all trigrams; 1 for fewer than three words.</summary>
    internal static double DistinctTrigramShare(string[] words)
    {
        int n = words.Length - 2;
        if (n <= 0)
        {
            return 1;
        }
        var seen = new HashSet<(string, string, string)>();
        for (int i = 0; i < n; i++)
        {
            seen.Add((words[i], words[i + 1], words[i + 2]));
        }
        return (double)seen.Count / n;
    }

    private static bool ContainsWords(string conclusion, string? answer)
    {
        var a = ReasoningText.Canon(answer);
        return a.Length > 0 && ReasoningText.IndexOf(ReasoningText.Canon(conclusion), a) >= 0;
    }

    private static string Label(int choice) => choice < 0 ? "none" : ((char)('A' + Math.Min(choice, 25))).ToString();

    private static JudgeVerdict Verdict(double score, string why) =>
        new(score, true, string.Create(CultureInfo.InvariantCulture, $"{score:0.0}: {why}"));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
