using AudioThinker.Rewards.Matching;

namespace AudioThinker.Rewards.Tests;

public class AnswerMatcherTests
{
    private static readonly string[] Choices = ["dog barking", "cat meowing", "bird singing", "cow mooing"];

    [Theory]
    [InlineData("dog barking", true)]
    [InlineData("  Dog   Barking. ", true)]
    [InlineData("\"dog barking\"", true)]
    [InlineData("(dog barking)", true)]
    [InlineData("dog", false)]
    [InlineData("cat meowing", false)]
    public void TextRule(string answer, bool correct)
    {
        var m = new AnswerMatcher([AnswerMatchRule.Text]);
        Assert.Equal(correct, m.IsCorrect(answer, "dog barking", Choices));
    }

    [Theory]
    [InlineData("A", true)]
    [InlineData("a", true)]
    [InlineData("(A)", true)]
    [InlineData("A.", true)]
    [InlineData("A)", true)]
    [InlineData("Option A", true)]
    [InlineData("(A) dog barking", true)]
    [InlineData("A. dog barking", true)]
    [InlineData("A. cat meowing", false)]
    [InlineData("B", false)]
    [InlineData("E", false)]
    [InlineData("dog barking", false)]
    public void LetterRule(string answer, bool correct)
    {
        var m = new AnswerMatcher([AnswerMatchRule.Letter]);
        Assert.Equal(correct, m.IsCorrect(answer, "dog barking", Choices));
    }

    [Fact]
    public void AnAnswerThatIsAChoiceTextIsNeverReadAsALetter()
    {
        // Choice texts that are letters: "B" is the text of the first option, not option B.
        string[] choices = ["B", "A"];
        Assert.True(AnswerMatcher.Default.IsCorrect("B", "B", choices));
        Assert.False(AnswerMatcher.Default.IsCorrect("A", "B", choices));
    }

    [Theory]
    [InlineData("The sound is a dog barking.", true)]
    [InlineData("dog barking loudly", true)]
    [InlineData("a dog", false)] // lacks the token "barking"
    [InlineData("dog barking or cat meowing", false)] // names a wrong choice's token
    [InlineData("", false)]
    public void MmauTokenRule(string prediction, bool correct)
    {
        Assert.Equal(correct, AnswerMatcher.MmauMatch(prediction, "dog barking", Choices));
    }

    [Fact]
    public void MmauRuleIgnoresTokensTheWrongChoicesShareWithTheAnswer()
    {
        string[] choices = ["man speaking", "woman speaking"];
        Assert.True(AnswerMatcher.MmauMatch("a man speaking", "man speaking", choices));
        Assert.False(AnswerMatcher.MmauMatch("a woman speaking", "man speaking", choices));
    }

    [Fact]
    public void RulesCombineAndAreConfigurable()
    {
        var strict = new AnswerMatcher([AnswerMatchRule.Text]);
        var lenient = new AnswerMatcher([AnswerMatchRule.Text, AnswerMatchRule.Letter, AnswerMatchRule.MmauTokens]);
        Assert.False(strict.IsCorrect("It is a dog barking", "dog barking", Choices));
        Assert.True(lenient.IsCorrect("It is a dog barking", "dog barking", Choices));
        Assert.True(lenient.IsCorrect("A", "dog barking", Choices));
        Assert.Throws<ArgumentException>(() => new AnswerMatcher([]));
    }

    [Fact]
    public void OpenQuestionsMatchByText()
    {
        Assert.True(AnswerMatcher.Default.IsCorrect("5", "5", []));
        Assert.False(AnswerMatcher.Default.IsCorrect("A", "5", []));
    }

    [Fact]
    public void ResolveChoiceFindsTheOptionOrNone()
    {
        var m = new AnswerMatcher([AnswerMatchRule.Text, AnswerMatchRule.Letter, AnswerMatchRule.MmauTokens]);
        Assert.Equal(2, m.ResolveChoice("C", Choices));
        Assert.Equal(3, m.ResolveChoice("the cow mooing", Choices));
        Assert.Equal(-1, m.ResolveChoice("a dog barking and a cat meowing", Choices));
        Assert.Equal(-1, m.ResolveChoice("", Choices));
    }
}
