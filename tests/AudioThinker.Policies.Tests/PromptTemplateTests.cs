using AudioThinker.Abstractions;
using AudioThinker.Policies.Prompts;

namespace AudioThinker.Policies.Tests;

public class PromptTemplateTests
{
    private static readonly AudioQuestion Beeps =
        new("q1", new AudioReference("a.wav"), "How many beeps are there?", ["2", "3", "4"], "3");

    [Fact]
    public void DirectIsR1AqaPrompt() => Assert.Equal(
        "How many beeps are there? Please choose the answer from the following options: ['2', '3', '4']. Output the final answer in <answer> </answer>.",
        PromptTemplates.Direct.FormatUser(Beeps));

    [Fact]
    public void ThinkForcesThinkingThenAnswer() => Assert.Equal(
        "How many beeps are there? Please choose the answer from the following options: ['2', '3', '4']. "
        + "Output the thinking process in <think> </think> and final answer in <answer> </answer>.",
        PromptTemplates.Think.FormatUser(Beeps));

    [Fact]
    public void AdaptiveIsThePapersFigureOnePrompt() => Assert.Equal(
        "How many beeps are there? Please choose the answer from the following options: ['2', '3', '4']. "
        + "First identify whether this problem requires thinking. If the problem requires thinking, output thinking in <think> </think> and answer in <answer> </answer>. "
        + "If no thinking is required, output answer in <answer> </answer>",
        PromptTemplates.Adaptive.FormatUser(Beeps));

    [Fact]
    public void AdaptiveLongAddsTheEncouragementToAnswerDirectly() => Assert.Equal(
        PromptTemplates.Adaptive.FormatUser(Beeps) + ". The Assistant is encouraged to use the <answer></answer> tag whenever possible, while ensuring accuracy.",
        PromptTemplates.AdaptiveLong.FormatUser(Beeps));

    [Fact]
    public void OpenQuestionsHaveNoOptionSentence() => Assert.Equal(
        "What is the pitch? Output the final answer in <answer> </answer>.",
        PromptTemplates.Direct.FormatUser(new AudioQuestion("q2", null, "What is the pitch?", [], "high")));

    [Theory]
    [InlineData(new[] { "it's high", "low" }, "[\"it's high\", 'low']")]
    [InlineData(new[] { "say \"hi\"", "both ' and \"" }, "['say \"hi\"', 'both \\' and \"']")]
    [InlineData(new[] { "a\\b", "tab\there", "line\nbreak" }, "['a\\\\b', 'tab\\there', 'line\\nbreak']")]
    [InlineData(new[] { "caf\u00e9 \U0001F3B5", "nb\u00a0sp", "zw\u200bsp" }, "['caf\u00e9 \U0001F3B5', 'nb\\xa0sp', 'zw\\u200bsp']")]
    [InlineData(new string[0], "[]")]
    public void OptionsAreWrittenAsPythonWritesAListOfStrings(string[] choices, string expected) =>
        Assert.Equal(expected, PromptTemplate.FormatOptions(choices));

    [Fact]
    public void TemplatesAreFoundByNameAndUnknownNamesListTheKnownOnes()
    {
        Assert.Same(PromptTemplates.Adaptive, PromptTemplates.Get("adaptive"));
        Assert.Same(PromptTemplates.AdaptiveLong, PromptTemplates.Get("Adaptive-Long"));
        Assert.Same(PromptTemplates.Think, PromptTemplates.Get("think"));
        Assert.Same(PromptTemplates.Direct, PromptTemplates.Get("direct"));
        Assert.Equal(4, PromptTemplates.All.Select(t => t.Name).Distinct().Count());
        var e = Assert.Throws<ArgumentException>(() => PromptTemplates.Get("cot"));
        Assert.Contains("'cot'", e.Message);
        Assert.Contains("adaptive, adaptive-long, think, direct", e.Message);
    }

    [Fact]
    public void EmptyQuestionsAndNullChoicesAreRefusedNamingTheQuestion()
    {
        var e = Assert.Throws<ArgumentException>(() => PromptTemplates.Direct.FormatUser(new AudioQuestion("q9", null, " ", [], "x")));
        Assert.Contains("q9", e.Message);
        e = Assert.Throws<ArgumentException>(() => PromptTemplates.Direct.FormatUser(new AudioQuestion("q8", null, "Which?", ["a", null!], "a")));
        Assert.Contains("q8", e.Message);
        Assert.Contains("choice 1", e.Message);
    }
}
