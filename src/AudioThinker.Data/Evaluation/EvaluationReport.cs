namespace AudioThinker.Data.Evaluation;

/// <summary>Right answers among the scored ones of a group.</summary>
/// <param name="Correct">Right answers.</param>
/// <param name="Scored">Answers the rule could read (the denominator).</param>
/// <param name="Failed">Answers the rule could not read (AIR-Bench only), left out of the denominator.</param>
public sealed record GroupScore(int Correct, int Scored, int Failed)
{
    /// <summary>Correct / Scored (0 when nothing was scored).</summary>
    public double Accuracy => Scored == 0 ? 0.0 : (double)Correct / Scored;
}

/// <summary>How often each response form was used.</summary>
/// <param name="Think">Responses with thinking.</param>
/// <param name="NoThink">Responses with only an answer.</param>
/// <param name="Invalid">Responses in neither form.</param>
public sealed record ModeUsage(int Think, int NoThink, int Invalid)
{
    /// <summary>All responses.</summary>
    public int Total => Think + NoThink + Invalid;

    /// <summary>No-think responses over all responses (the paper's Fig. 2 measure).</summary>
    public double NoThinkRate => Total == 0 ? 0.0 : (double)NoThink / Total;
}

/// <summary>The numbers the benchmark's own script prints, by its own groups.</summary>
/// <param name="Rule">The answer rule applied.</param>
/// <param name="Overall">All scored predictions.</param>
/// <param name="MacroAccuracy">Mean of the group accuracies of the benchmark's headline grouping (AIR-Bench: task_dataset; others: task or modality).</param>
/// <param name="NoPrediction">Records without a response field (MMAU/MMAR score them as wrong).</param>
/// <param name="Groups">Grouping name → group → score, in the groupings the official script prints.</param>
public sealed record OfficialScore(string Rule, GroupScore Overall, double MacroAccuracy, int NoPrediction, IReadOnlyDictionary<string, IReadOnlyDictionary<string, GroupScore>> Groups);

/// <summary>An evaluation: the official score plus AudioThinker's breakdown by task, category, difficulty and response form.</summary>
/// <param name="Benchmark">The benchmark's short name.</param>
/// <param name="Source">Where the predictions came from.</param>
/// <param name="Scoring">"answer-tag" or "raw" (see <see cref="ScoringOptions.ScoreAnswerTag"/>).</param>
/// <param name="Count">Predictions in the report.</param>
/// <param name="Official">The official numbers.</param>
/// <param name="ByTask">Accuracy by task.</param>
/// <param name="ByCategory">Accuracy by category.</param>
/// <param name="ByDifficulty">Accuracy by difficulty (easy, medium, hard, unknown).</param>
/// <param name="ByMode">Accuracy by response form (think, no_think, invalid).</param>
/// <param name="Modes">Response forms over all predictions.</param>
/// <param name="ModesByDifficulty">Response forms by difficulty.</param>
/// <param name="NoThinkRateByDifficulty">No-think share by difficulty.</param>
/// <param name="MeanWordsByMode">Mean response length in whitespace-separated words, by response form.</param>
public sealed record EvaluationReport(
    string Benchmark,
    string Source,
    string Scoring,
    int Count,
    OfficialScore Official,
    IReadOnlyDictionary<string, GroupScore> ByTask,
    IReadOnlyDictionary<string, GroupScore> ByCategory,
    IReadOnlyDictionary<string, GroupScore> ByDifficulty,
    IReadOnlyDictionary<string, GroupScore> ByMode,
    ModeUsage Modes,
    IReadOnlyDictionary<string, ModeUsage> ModesByDifficulty,
    IReadOnlyDictionary<string, double> NoThinkRateByDifficulty,
    IReadOnlyDictionary<string, double> MeanWordsByMode);
