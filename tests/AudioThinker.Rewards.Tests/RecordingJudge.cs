using System.Collections.Concurrent;
using AudioThinker.Abstractions;
using AudioThinker.Rewards.Judges;

namespace AudioThinker.Rewards.Tests;

/// <summary>The rule-based judge, recording what it was asked: lets tests check which rollouts reach a judge.</summary>
internal sealed class RecordingJudge(string name = "rule") : IJudge
{
    private readonly RuleBasedJudge _inner = new(name);

    public string Name => name;

    public ConcurrentQueue<JudgeRequest> Requests { get; } = new();

    public async Task<IReadOnlyList<JudgeVerdict>> JudgeAsync(IReadOnlyList<JudgeRequest> requests, CancellationToken cancellationToken = default)
    {
        foreach (var r in requests)
        {
            Requests.Enqueue(r);
        }
        return await _inner.JudgeAsync(requests, cancellationToken);
    }
}
