using System.Text.RegularExpressions;

namespace AudioThinker.Policies.Tokenization;

/// <summary>
/// Splits text into the pieces <see cref="CompactTokenizer"/> looks up: the special tokens first (matched literally),
/// then, in between, a word (letters and combining marks) with an optional leading space, one digit with an optional
/// leading space, one surrogate pair, one other non-space character with an optional leading space, or one
/// whitespace character. The pieces tile the text exactly, so concatenating them gives it back.
/// </summary>
internal sealed partial class CompactPreTokenizer
{
    private readonly Regex? _special;

    /// <summary>Creates a splitter for these special tokens.</summary>
    public CompactPreTokenizer(IEnumerable<string> specialTokens)
    {
        // Longest first, so a token that is a prefix of another never wins.
        var alternatives = specialTokens.OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).Select(Regex.Escape).ToList();
        _special = alternatives.Count == 0 ? null : new Regex(string.Join("|", alternatives), RegexOptions.CultureInvariant);
    }

    /// <summary>The pieces of <paramref name="text"/> in order; <c>IsSpecial</c> marks a special token.</summary>
    public IEnumerable<(string Piece, bool IsSpecial)> Split(string text)
    {
        var start = 0;
        if (_special is not null)
        {
            foreach (Match m in _special.Matches(text))
            {
                foreach (var piece in Words(text, start, m.Index - start))
                {
                    yield return (piece, false);
                }
                yield return (m.Value, true);
                start = m.Index + m.Length;
            }
        }
        foreach (var piece in Words(text, start, text.Length - start))
        {
            yield return (piece, false);
        }
    }

    private static IEnumerable<string> Words(string text, int start, int length)
    {
        if (length == 0)
        {
            yield break;
        }
        var segment = text.Substring(start, length);
        foreach (Match m in PieceRegex().Matches(segment))
        {
            yield return m.Value;
        }
    }

    [GeneratedRegex(@" ?\p{L}[\p{L}\p{M}]*| ?\p{N}| ?[\uD800-\uDBFF][\uDC00-\uDFFF]| ?[^\s\p{L}\p{N}]|\s", RegexOptions.CultureInvariant)]
    private static partial Regex PieceRegex();
}
