namespace AudioThinker.Rewards.Judges;

/// <summary>Counters of an <see cref="OpenAiCompatibleJudge"/> since it was created.</summary>
/// <param name="HttpAttempts">HTTP requests sent, retries included.</param>
/// <param name="Retries">Attempts that failed and were retried.</param>
/// <param name="CacheHits">Verdicts served from the disk cache.</param>
/// <param name="Deduplicated">Requests that shared an identical prompt's in-flight call instead of making their own.</param>
/// <param name="Unparsed">Verdicts whose output did not parse (their fallback score was used).</param>
public sealed record OpenAiJudgeStatistics(long HttpAttempts, long Retries, long CacheHits, long Deduplicated, long Unparsed);
