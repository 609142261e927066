using AudioThinker.Policies.Tokenization;

namespace AudioThinker.Policies.Generation;

/// <summary>
/// Detects a stop string (e.g. <c>&lt;/answer&gt;</c>) in a growing completion by decoding only its last few tokens:
/// the check runs after every token, so a stop string first appears in the newest tokens, and a window of
/// 4 × (longest stop string) + 8 tokens covers it even when byte-level tokens split characters.
/// </summary>
public sealed class StopStringMatcher
{
    private readonly ITextTokenizer _tokenizer;
    private readonly string[] _stops;
    private readonly int _window;

    /// <summary>Creates a matcher for <paramref name="stopStrings"/>.</summary>
    public StopStringMatcher(ITextTokenizer tokenizer, IReadOnlyList<string> stopStrings)
    {
        _tokenizer = tokenizer;
        _stops = stopStrings.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        _window = _stops.Length == 0 ? 0 : 4 * _stops.Max(s => s.Length) + 8;
    }

    /// <summary>True when there is nothing to match.</summary>
    public bool IsEmpty => _stops.Length == 0;

    /// <summary>True when the completion's text now contains a stop string.</summary>
    public bool Matches(IReadOnlyList<int> completion)
    {
        if (_stops.Length == 0 || completion.Count == 0)
        {
            return false;
        }
        var start = Math.Max(0, completion.Count - _window);
        var tail = _tokenizer.Decode(completion.Skip(start), skipSpecialTokens: false);
        foreach (var stop in _stops)
        {
            if (tail.Contains(stop, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
