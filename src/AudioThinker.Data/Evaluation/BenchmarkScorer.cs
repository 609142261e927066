using AudioThinker.Abstractions;

namespace AudioThinker.Data.Evaluation;

/// <summary>How responses are turned into the text the official rule reads.</summary>
public sealed record ScoringOptions
{
    /// <summary>
    /// When true (the default) a response in the policy's tag format is scored on its <c>&lt;answer&gt;</c> content, so
    /// that the thinking's mentions of other choices do not count against it; other responses are scored whole. When
    /// false every response is scored whole, exactly as the official scripts read their field.
    /// </summary>
    public bool ScoreAnswerTag { get; init; } = true;

    /// <summary>Splits responses into think / no-think / invalid; defaults to the Rewards project's <see cref="AudioThinker.Rewards.Parsing.TaggedResponseParser"/>.</summary>
    public IResponseParser? Parser { get; init; }
}

/// <summary>Applies a benchmark's official answer rule to each prediction.</summary>
public static class BenchmarkScorer
{
    /// <summary>Scores predictions with the rule of <paramref name="benchmark"/>.</summary>
    /// <exception cref="ArgumentException">An AIR-Bench question's answer is none of its first four choices (the official script stops there too).</exception>
    public static IReadOnlyList<ScoredPrediction> Score(Benchmark benchmark, IEnumerable<Prediction> predictions, ScoringOptions? options = null)
    {
        options ??= new ScoringOptions();
        var parser = options.Parser ?? AudioThinker.Rewards.Parsing.TaggedResponseParser.Instance;
        var scored = new List<ScoredPrediction>();
        foreach (var (question, response) in predictions)
        {
            var parsed = parser.Parse(response ?? "");
            var text = options.ScoreAnswerTag && parsed.IsValid ? parsed.Answer ?? "" : response ?? "";
            bool? correct;
            if (benchmark == Benchmark.Air)
            {
                var letter = AirBenchAnswer.ExtractLetter(response is null ? null : text);
                var truth = AirBenchAnswer.AnswerLetter(question.Answer, question.Choices)
                    ?? throw new ArgumentException($"question '{question.Id}': answer '{question.Answer}' is none of its choices");
                correct = letter is null ? null : letter == truth;
            }
            else
            {
                correct = StringMatch.IsMatch(question.Answer, text, question.Choices);
            }
            scored.Add(new ScoredPrediction(question, response ?? "", parsed.Mode, text, correct, response is not null));
        }
        return scored;
    }
}
