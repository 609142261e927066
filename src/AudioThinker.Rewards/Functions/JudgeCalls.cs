using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Functions;

/// <summary>Sends a reward's judge requests and checks what comes back.</summary>
internal static class JudgeCalls
{
    public static async Task<IReadOnlyList<JudgeVerdict>> RunAsync(IJudge judge, IReadOnlyList<JudgeRequest> requests, string reward, CancellationToken ct)
    {
        if (requests.Count == 0)
        {
            return [];
        }
        var verdicts = await judge.JudgeAsync(requests, ct).ConfigureAwait(false);
        if (verdicts is null || verdicts.Count != requests.Count)
        {
            throw new InvalidOperationException(
                $"judge '{judge.Name}' returned {verdicts?.Count ?? 0} verdicts for {requests.Count} requests of reward '{reward}'");
        }
        for (int i = 0; i < verdicts.Count; i++)
        {
            double s = verdicts[i].Score;
            if (!(s >= 0 && s <= 1))
            {
                throw new InvalidOperationException(
                    $"judge '{judge.Name}' returned score {s} for request {i} of reward '{reward}'; scores must be in [0, 1]");
            }
        }
        return verdicts;
    }

    public static JudgeRequest Request(JudgeKind kind, RolloutGroup group, Rollout rollout) =>
        new(kind, group.Question.Question, group.Question.Choices, rollout.Parsed.Thought ?? "", rollout.Parsed.Answer ?? "")
        {
            Facts = group.Question.Facts,
        };
}
