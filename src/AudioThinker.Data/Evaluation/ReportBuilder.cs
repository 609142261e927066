using AudioThinker.Abstractions;
using AudioThinker.Data.Datasets;

namespace AudioThinker.Data.Evaluation;

/// <summary>Builds an <see cref="EvaluationReport"/> from scored predictions.</summary>
public static class ReportBuilder
{
    private const string Unknown = "unknown";

    /// <summary>Aggregates <paramref name="scored"/> into the official groups and AudioThinker's own breakdown.</summary>
    public static EvaluationReport Build(Benchmark benchmark, IReadOnlyList<ScoredPrediction> scored, string source, ScoringOptions? options = null)
    {
        options ??= new ScoringOptions();
        var official = Official(benchmark, scored);
        var difficulties = scored.Select(s => s.Question.Difficulty).Distinct().Order().ToList();
        var modesByDifficulty = difficulties.ToDictionary(DifficultyNames.Name, d => Usage(scored.Where(s => s.Question.Difficulty == d)));
        var modeNames = new[] { (ResponseMode.Think, "think"), (ResponseMode.NoThink, "no_think"), (ResponseMode.Invalid, "invalid") };
        return new EvaluationReport(
            BenchmarkNames.Name(benchmark),
            source,
            options.ScoreAnswerTag ? "answer-tag" : "raw",
            scored.Count,
            official,
            GroupBy(scored, s => s.Question.Task),
            GroupBy(scored, s => s.Question.Category),
            GroupBy(scored, s => DifficultyNames.Name(s.Question.Difficulty), difficulties.Select(DifficultyNames.Name)),
            GroupBy(scored, s => ModeName(s.Mode), modeNames.Select(m => m.Item2)),
            Usage(scored),
            modesByDifficulty,
            modesByDifficulty.ToDictionary(kv => kv.Key, kv => kv.Value.NoThinkRate),
            modeNames.Where(m => scored.Any(s => s.Mode == m.Item1))
                .ToDictionary(m => m.Item2, m => scored.Where(s => s.Mode == m.Item1).Average(s => (double)s.ResponseWords)));
    }

    /// <summary>The name a response form has in reports.</summary>
    public static string ModeName(ResponseMode mode) => mode switch
    {
        ResponseMode.Think => "think",
        ResponseMode.NoThink => "no_think",
        _ => "invalid",
    };

    private static OfficialScore Official(Benchmark benchmark, IReadOnlyList<ScoredPrediction> scored)
    {
        var groupings = benchmark switch
        {
            Benchmark.Mmau => new (string, Func<ScoredPrediction, string?>)[] { ("task", s => s.Question.Task), ("difficulty", s => DifficultyNames.Name(s.Question.Difficulty)) },
            Benchmark.Mmar => [("modality", s => s.Question.Task), ("category", s => s.Question.Category), ("sub-category", s => s.Question.SubCategory)],
            Benchmark.Air => [("task_dataset", s => s.Question.Category)],
            _ => [("task", s => s.Question.Task), ("category", s => s.Question.Category), ("difficulty", s => DifficultyNames.Name(s.Question.Difficulty))],
        };
        var difficultyOrder = scored.Select(s => s.Question.Difficulty).Distinct().Order().Select(DifficultyNames.Name).ToList();
        var groups = groupings.ToDictionary(g => g.Item1, g => GroupBy(scored, g.Item2, g.Item1 == "difficulty" ? difficultyOrder : null));
        var headline = groups[groupings[0].Item1];
        var rule = benchmark == Benchmark.Air
            ? "AIR-Bench score_foundation.py: first character A-D, else second-to-last; unreadable responses left out"
            : "MMAU/MMAR evaluation.py string_match: all answer tokens, no wrong-choice tokens";
        return new OfficialScore(
            rule,
            Score(scored),
            headline.Count == 0 ? 0.0 : headline.Values.Average(g => g.Accuracy),
            scored.Count(s => !s.HadResponse),
            groups);
    }

    private static IReadOnlyDictionary<string, GroupScore> GroupBy(IReadOnlyList<ScoredPrediction> scored, Func<ScoredPrediction, string?> key, IEnumerable<string>? order = null)
    {
        var groups = scored.GroupBy(s => key(s) ?? Unknown).ToDictionary(g => g.Key, g => Score(g));
        var keys = order?.Where(groups.ContainsKey).ToList() ?? groups.Keys.Order(StringComparer.Ordinal).ToList();
        return keys.ToDictionary(k => k, k => groups[k]);
    }

    private static GroupScore Score(IEnumerable<ScoredPrediction> items)
    {
        int correct = 0, counted = 0, failed = 0;
        foreach (var s in items)
        {
            if (s.Correct is null)
            {
                failed++;
                continue;
            }
            counted++;
            if (s.Correct.Value)
            {
                correct++;
            }
        }
        return new GroupScore(correct, counted, failed);
    }

    private static ModeUsage Usage(IEnumerable<ScoredPrediction> items)
    {
        var list = items.ToList();
        return new ModeUsage(list.Count(s => s.Mode == ResponseMode.Think), list.Count(s => s.Mode == ResponseMode.NoThink), list.Count(s => s.Mode == ResponseMode.Invalid));
    }
}
