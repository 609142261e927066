using AudioThinker.Abstractions;
using AudioThinker.Rewards.Parsing;
using CsCheck;

namespace AudioThinker.Rewards.Tests;

public class ResponseParserTests
{
    private static readonly TaggedResponseParser Parser = TaggedResponseParser.Instance;

    [Theory]
    [InlineData("<think>two beeps</think><answer>B</answer>", ResponseMode.Think, "two beeps", "B")]
    [InlineData("  \n<think>\n two beeps \n</think>\n\n<answer> B </answer>\n ", ResponseMode.Think, "two beeps", "B")]
    [InlineData("<answer>dog</answer>", ResponseMode.NoThink, null, "dog")]
    [InlineData("\t<answer>\n a dog barking \n</answer>  ", ResponseMode.NoThink, null, "a dog barking")]
    [InlineData("<answer>x < y and <b>bold</b></answer>", ResponseMode.NoThink, null, "x < y and <b>bold</b>")]
    [InlineData("<think><Think>case differs</Think></think><answer>A</answer>", ResponseMode.Think, "<Think>case differs</Think>", "A")]
    public void ValidFormsParse(string text, ResponseMode mode, string? thought, string answer)
    {
        var p = Parser.Parse(text);
        Assert.Equal(mode, p.Mode);
        Assert.Equal(thought, p.Thought);
        Assert.Equal(answer, p.Answer);
        Assert.Null(p.Error);
        Assert.True(p.IsValid);
    }

    [Theory]
    [InlineData("", "no <answer> tag")]
    [InlineData("dog", "no <answer> tag")]
    [InlineData("<think>hmm</think>", "no <answer> tag")]
    [InlineData("<answer>dog", "unclosed <answer>")]
    [InlineData("<think>hmm<answer>dog</answer>", "unclosed <think>")]
    [InlineData("hmm</think><answer>dog</answer>", "</think> without <think>")]
    [InlineData("<answer>dog</answer><answer>cat</answer>", "repeated tags")]
    [InlineData("<answer><answer>dog</answer></answer>", "repeated tags")]
    [InlineData("<think><think>a</think></think><answer>b</answer>", "too many tags: nested or repeated <think>/<answer>")]
    [InlineData("<answer>dog</answer><think>because</think>", "tags out of order or nested")]
    [InlineData("<think>a<answer>b</answer></think>", "tags out of order or nested")]
    [InlineData("Sure! <answer>dog</answer>", "text before the first tag")]
    [InlineData("<answer>dog</answer> I hope this helps", "text after </answer>")]
    [InlineData("<think>a</think> so <answer>dog</answer>", "text between </think> and <answer>")]
    [InlineData("<answer>   </answer>", "empty <answer>")]
    [InlineData("<think> \n </think><answer>dog</answer>", "empty <think>")]
    [InlineData("<think>a</think><answer></answer>", "empty <answer>")]
    public void InvalidFormsAreInvalidWithAReason(string text, string why)
    {
        var p = Parser.Parse(text);
        Assert.Equal(ResponseMode.Invalid, p.Mode);
        Assert.Equal(why, p.Error);
        Assert.Null(p.Answer);
        Assert.False(p.IsValid);
    }

    [Fact]
    public void NullIsInvalidNotAnException()
    {
        Assert.Equal(ResponseMode.Invalid, Parser.Parse(null!).Mode);
    }

    // Text made of tag fragments, angle brackets and whitespace hits the parser's edge cases far more often than plain random text.
    private static readonly Gen<string> Fragmented = Gen.OneOf("<think>", "</think>", "<answer>", "</answer>", "<", ">", "</", "think", "answer", " ", "\n", "x", "<answer", "/answer>")
        .Array[0, 12].Select(parts => string.Concat(parts));

    [Fact]
    public void RandomTextNeverThrows()
    {
        Gen.String.Sample(s => Parser.Parse(s) is not null, iter: 3000);
        Fragmented.Sample(s =>
        {
            var p = Parser.Parse(s);
            // Valid results always carry an answer; invalid ones always say why.
            return p.IsValid ? !string.IsNullOrWhiteSpace(p.Answer) && p.Error is null : p.Error is not null;
        }, iter: 5000);
    }

    // Non-blank content with spaces, line breaks, lone angle brackets and HTML-like tags that are not ours.
    private static readonly Gen<string> Content = Gen.Select(
        Gen.Char["abcxyz019 "].Array[0, 20].Select(a => new string(a)),
        Gen.Char["abcxyz019"].Array[1, 5].Select(a => new string(a)),
        Gen.OneOf("", " ", "<b>", " < ", "\n", "</b>", "<thinking>", "answer"),
        (a, core, extra) => a + extra + core + extra);

    private static readonly Gen<string> Space = Gen.OneOf("", " ", "\n", "\t ", "\r\n  ");

    [Fact]
    public void EveryValidFormParses()
    {
        Gen.Select(Content, Content, Space, Space, Space, Gen.Bool, (thought, answer, lead, mid, tail, think) => (thought, answer, lead, mid, tail, think))
            .Sample(c =>
            {
                var text = c.think
                    ? $"{c.lead}<think>{c.thought}</think>{c.mid}<answer>{c.answer}</answer>{c.tail}"
                    : $"{c.lead}<answer>{c.answer}</answer>{c.tail}";
                var p = Parser.Parse(text);
                return p.Mode == (c.think ? ResponseMode.Think : ResponseMode.NoThink)
                    && p.Answer == c.answer.Trim()
                    && p.Thought == (c.think ? c.thought.Trim() : null);
            }, iter: 3000);
    }
}
