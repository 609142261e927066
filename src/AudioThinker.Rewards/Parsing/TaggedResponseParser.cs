using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Parsing;

/// <summary>
/// Parses the two response forms of Audio-Thinker: <c>&lt;think&gt;T&lt;/think&gt;&lt;answer&gt;A&lt;/answer&gt;</c> and
/// <c>&lt;answer&gt;A&lt;/answer&gt;</c>, with only whitespace outside the tags.
/// </summary>
/// <remarks>
/// Tags are the four exact lower-case strings. A response is invalid (never an exception) when its tag sequence is anything
/// other than exactly think-open, think-close, answer-open, answer-close or answer-open, answer-close: so nested, repeated,
/// unclosed, out-of-order or missing tags are all invalid, as is non-whitespace text outside the tags and an answer or a
/// thought that is empty after trimming. The rules are listed in docs/rewards.md.
/// </remarks>
public sealed class TaggedResponseParser : IResponseParser
{
    /// <summary>The tag that opens a reasoning block.</summary>
    public const string ThinkOpen = "<think>";
    private const string ThinkClose = "</think>";
    private const string AnswerOpen = "<answer>";
    private const string AnswerClose = "</answer>";
    private static readonly string[] Tags = [ThinkOpen, ThinkClose, AnswerOpen, AnswerClose];

    /// <summary>A shared instance; the parser has no state.</summary>
    public static TaggedResponseParser Instance { get; } = new();

    /// <inheritdoc />
    public ParsedResponse Parse(string response)
    {
        if (response is null)
        {
            return Invalid("the response is null");
        }

        Span<Tag> tags = stackalloc Tag[5];
        int count = FindTags(response, tags);
        if (count == 0)
        {
            return Invalid("no <answer> tag");
        }
        if (count > 4)
        {
            return Invalid("too many tags: nested or repeated <think>/<answer>");
        }

        // One letter per tag, in order of position: t = <think>, T = </think>, a = <answer>, A = </answer>.
        Span<char> kinds = stackalloc char[count];
        for (int i = 0; i < count; i++)
        {
            kinds[i] = tags[i].Kind;
        }
        if (kinds.SequenceEqual("tTaA"))
        {
            return Build(response, tags[..4], think: true);
        }
        if (kinds.SequenceEqual("aA"))
        {
            return Build(response, tags[..2], think: false);
        }
        return Invalid(Explain(new string(kinds)));
    }

    private static ParsedResponse Build(string text, ReadOnlySpan<Tag> tags, bool think)
    {
        if (!text.AsSpan(0, tags[0].Start).IsWhiteSpace())
        {
            return Invalid("text before the first tag");
        }
        if (!text.AsSpan(tags[^1].End).IsWhiteSpace())
        {
            return Invalid("text after </answer>");
        }

        string? thought = null;
        int answerOpen = 0;
        if (think)
        {
            var t = Between(text, tags[0], tags[1]);
            if (t.IsEmpty)
            {
                return Invalid("empty <think>");
            }
            if (!text.AsSpan(tags[1].End, tags[2].Start - tags[1].End).IsWhiteSpace())
            {
                return Invalid("text between </think> and <answer>");
            }
            thought = t.ToString();
            answerOpen = 2;
        }

        var answer = Between(text, tags[answerOpen], tags[answerOpen + 1]);
        if (answer.IsEmpty)
        {
            return Invalid("empty <answer>");
        }
        return new ParsedResponse(think ? ResponseMode.Think : ResponseMode.NoThink, thought, answer.ToString());
    }

    private static string Explain(string kinds)
    {
        if (!kinds.Contains('a'))
        {
            return "no <answer> tag";
        }
        if (!kinds.Contains('A'))
        {
            return "unclosed <answer>";
        }
        if (kinds.Contains('t') != kinds.Contains('T'))
        {
            return kinds.Contains('t') ? "unclosed <think>" : "</think> without <think>";
        }
        if (kinds.Count(c => c == 'a') > 1 || kinds.Count(c => c == 't') > 1)
        {
            return "repeated tags";
        }
        return "tags out of order or nested";
    }

    /// <summary>Finds up to <c>tags.Length</c> tags in order of position; tags never overlap. Returns how many.</summary>
    private static int FindTags(string text, Span<Tag> tags)
    {
        int found = 0;
        int pos = 0;
        while (found < tags.Length)
        {
            int lt = text.IndexOf('<', pos);
            if (lt < 0)
            {
                break;
            }
            var rest = text.AsSpan(lt);
            int k = rest.StartsWith(ThinkOpen) ? 0
                : rest.StartsWith(ThinkClose) ? 1
                : rest.StartsWith(AnswerOpen) ? 2
                : rest.StartsWith(AnswerClose) ? 3
                : -1;
            if (k < 0)
            {
                pos = lt + 1;
                continue;
            }
            tags[found++] = new Tag(lt, "tTaA"[k], Tags[k].Length);
            pos = lt + Tags[k].Length;
        }
        return found;
    }

    private static ReadOnlySpan<char> Between(string text, Tag open, Tag close) =>
        text.AsSpan(open.End, close.Start - open.End).Trim();

    private readonly record struct Tag(int Start, char Kind, int Length)
    {
        public int End => Start + Length;
    }

    private static ParsedResponse Invalid(string why) => new(ResponseMode.Invalid, null, null, why);
}
