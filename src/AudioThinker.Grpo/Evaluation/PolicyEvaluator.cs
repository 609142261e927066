using System.Text.Json;
using AudioThinker.Abstractions;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Prompts;
using AudioThinker.Rewards.Matching;
using AudioThinker.Rewards.Parsing;

namespace AudioThinker.Grpo.Evaluation;

/// <summary>One test question's outcome.</summary>
/// <param name="Question">The question.</param>
/// <param name="Response">The decoded response.</param>
/// <param name="Parsed">Its parts.</param>
/// <param name="Correct">Whether the answer matches.</param>
/// <param name="Consistent">The consistency judge's verdict for think responses; no-think responses count as consistent (as in the paper), invalid ones do not.</param>
/// <param name="Tokens">Response length in tokens.</param>
public sealed record EvaluatedResponse(AudioQuestion Question, string Response, ParsedResponse Parsed, bool Correct, bool Consistent, int Tokens);

/// <summary>Accuracy, think rate and consistency, overall and by difficulty.</summary>
/// <param name="Responses">Every response.</param>
public sealed record EvaluationSummary(IReadOnlyList<EvaluatedResponse> Responses)
{
    /// <summary>The levels present, easy to hard.</summary>
    public IReadOnlyList<Difficulty> Levels => Responses.Select(r => r.Question.Difficulty).Distinct().Order().ToList();

    /// <summary>Share correct, overall (level null) or at one level.</summary>
    public double Accuracy(Difficulty? level = null) => Rate(level, r => r.Correct);

    /// <summary>Share answered without thinking.</summary>
    public double NoThinkRate(Difficulty? level = null) => Rate(level, r => r.Parsed.Mode == ResponseMode.NoThink);

    /// <summary>Share that think.</summary>
    public double ThinkRate(Difficulty? level = null) => Rate(level, r => r.Parsed.Mode == ResponseMode.Think);

    /// <summary>Share whose reasoning the judge found consistent with the answer (no-think responses count as consistent).</summary>
    public double ConsistencyRate(Difficulty? level = null) => Rate(level, r => r.Consistent);

    /// <summary>Among thinking responses only, the share judged consistent (NaN when none thinks).</summary>
    public double ThinkConsistencyRate()
    {
        var thinking = Responses.Where(r => r.Parsed.Mode == ResponseMode.Think).ToList();
        return thinking.Count == 0 ? double.NaN : thinking.Count(r => r.Consistent) / (double)thinking.Count;
    }

    /// <summary>Share of invalid-format responses.</summary>
    public double InvalidRate => Rate(null, r => r.Parsed.Mode == ResponseMode.Invalid);

    /// <summary>Mean response length (tokens) of a mode, NaN when none.</summary>
    public double MeanLength(ResponseMode mode)
    {
        var of = Responses.Where(r => r.Parsed.Mode == mode).ToList();
        return of.Count == 0 ? double.NaN : of.Average(r => r.Tokens);
    }

    private double Rate(Difficulty? level, Func<EvaluatedResponse, bool> predicate)
    {
        var of = level is null ? Responses : Responses.Where(r => r.Question.Difficulty == level).ToList();
        return of.Count == 0 ? double.NaN : of.Count(predicate) / (double)of.Count;
    }
}

/// <summary>Answers every test question once, greedily, and scores the answers; the judge checks the reasoning's consistency.</summary>
public sealed class PolicyEvaluator(PolicySession policy, IJudge consistencyJudge, int maxNewTokens = 256, int batchSize = 32)
{
    /// <summary>Evaluates the policy under <paramref name="template"/>; writes <c>predictions.jsonl</c> to <paramref name="folder"/> when given.</summary>
    public async Task<EvaluationSummary> EvaluateAsync(IReadOnlyList<AudioQuestion> questions, PromptTemplate template, string? folder = null,
        CancellationToken cancellationToken = default)
    {
        var results = new List<EvaluatedResponse>();
        foreach (var (chunk, sequences) in policy.AnswerGreedily(questions, template, maxNewTokens, batchSize, cancellationToken))
        {
            var texts = sequences.Select(s => s.Text).ToList();
            var parsed = texts.Select(TaggedResponseParser.Instance.Parse).ToList();
            var thinking = Enumerable.Range(0, chunk.Count).Where(i => parsed[i].Mode == ResponseMode.Think).ToList();
            var verdicts = await consistencyJudge.JudgeAsync(thinking.Select(i =>
                new JudgeRequest(JudgeKind.Consistency, chunk[i].Question, chunk[i].Choices, parsed[i].Thought ?? "", parsed[i].Answer ?? "") { Facts = chunk[i].Facts }).ToList(),
                cancellationToken).ConfigureAwait(false);
            var consistent = thinking.Select((i, k) => (i, ok: verdicts[k].Score >= 0.5)).ToDictionary(x => x.i, x => x.ok);
            for (var i = 0; i < chunk.Count; i++)
            {
                results.Add(new EvaluatedResponse(chunk[i], texts[i], parsed[i], AnswerMatcher.Default.IsCorrect(parsed[i].Answer, chunk[i]),
                    parsed[i].Mode == ResponseMode.NoThink || (parsed[i].Mode == ResponseMode.Think && consistent[i]), sequences[i].TokenIds.Count));
            }
        }
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
            using var writer = new StreamWriter(Path.Combine(folder, "predictions.jsonl"));
            foreach (var r in results)
            {
                writer.WriteLine(JsonSerializer.Serialize(new
                {
                    id = r.Question.Id,
                    difficulty = r.Question.Difficulty.ToString().ToLowerInvariant(),
                    question = r.Question.Question,
                    answer = r.Question.Answer,
                    response = r.Response,
                    mode = r.Parsed.Mode.ToString(),
                    correct = r.Correct,
                    consistent = r.Consistent,
                }));
            }
        }
        return new EvaluationSummary(results);
    }
}
