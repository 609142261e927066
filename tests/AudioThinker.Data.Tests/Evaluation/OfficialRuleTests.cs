using AudioThinker.Data.Evaluation;

namespace AudioThinker.Data.Tests.Evaluation;

/// <summary>The official answer rules, corner by corner (expected values worked out from the Python scripts).</summary>
public class OfficialRuleTests
{
    [Theory]
    [InlineData("dog", "dog", true)]
    [InlineData("dog", "The answer is: Dog.", true)]
    [InlineData("dog", "hot dog", false)]          // a choice that contains the answer: its extra token "hot" is wrong
    [InlineData("hot dog", "dog", false)]          // the answer's token "hot" is missing
    [InlineData("hot dog", "a hot dog", true)]
    [InlineData("dog", "dog or cat", false)]       // names a wrong choice too
    [InlineData("dog", "", false)]                 // empty prediction
    [InlineData("dog", "!!!", false)]              // no tokens at all
    [InlineData("dog", "DOGS", false)]             // tokens are whole words
    public void MmauStringMatchSubstringChoices(string answer, string prediction, bool expected) =>
        Assert.Equal(expected, StringMatch.IsMatch(answer, prediction, ["dog", "hot dog", "cat"]));

    [Fact]
    public void SharedWordsAreNotCountedAgainstTheAnswer()
    {
        string[] choices = ["a man speaking", "a woman speaking", "silence"];
        Assert.True(StringMatch.IsMatch("a man speaking", "I hear a man speaking loudly", choices));
        Assert.False(StringMatch.IsMatch("a man speaking", "man speaking", choices)); // "a" is an answer token
        Assert.False(StringMatch.IsMatch("a man speaking", "a man and a woman speaking", choices));
        // A wrong choice whose token set equals the answer's does not contribute wrong tokens.
        Assert.True(StringMatch.IsMatch("Rock", "rock", ["Rock", "rock!", "jazz"]));
    }

    [Fact]
    public void TokensFollowPythonWordCharacters()
    {
        Assert.Equal(["don", "t", "stop_now", "3", "5"], StringMatch.Tokenize("Don't STOP_now 3.5"));
        Assert.Equal(["café", "naïve"], StringMatch.Tokenize("Café, naïve!"));
        Assert.Equal(["½", "x²"], StringMatch.Tokenize("½ x²")); // No (other number) is a word character in Python
        Assert.Equal(["音频问答"], StringMatch.Tokenize("音频问答？"));
    }

    [Theory]
    [InlineData("B", 'B')]
    [InlineData("  C. The cat\n", 'C')]
    [InlineData("The answer is D.", 'D')]          // second-to-last character
    [InlineData("The answer is D", null)]          // last character is not looked at
    [InlineData("A", 'A')]
    [InlineData("A\nB", 'A')]
    [InlineData("the answer is\nB.", 'B')]         // newlines are deleted before indexing
    [InlineData("(B) cat", null)]                  // '(' first, 'a' second-to-last
    [InlineData("b", null)]                        // lower case is not a letter here
    [InlineData("E.", null)]
    [InlineData("None", null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("answer: C🎵", 'C')]               // code points, not UTF-16 units
    public void AirBenchLetterRule(string response, char? expected) =>
        Assert.Equal(expected, AirBenchAnswer.ExtractLetter(response));

    [Fact]
    public void AirBenchGroundTruthLetter()
    {
        Assert.Equal('C', AirBenchAnswer.AnswerLetter("bird", ["dog", "cat", "bird"]));
        Assert.Equal('A', AirBenchAnswer.AnswerLetter("dog", ["dog", "dog"])); // first equal choice wins
        Assert.Null(AirBenchAnswer.AnswerLetter("fish", ["dog", "cat"]));
        Assert.Null(AirBenchAnswer.ExtractLetter(null));
    }

    [Theory]
    [InlineData("<think>two beeps</think><answer>2</answer>", "Think", "2")]
    [InlineData("  <think>\nx\n</think>\n<answer> high </answer>\n", "Think", "high")]
    [InlineData("<answer>low</answer>", "NoThink", "low")]
    [InlineData("<think>a</think><think>b</think><answer>x</answer>", "Invalid", null)]
    [InlineData("<answer>x</answer><answer>y</answer>", "Invalid", null)]
    [InlineData("<think>no answer</think>", "Invalid", null)]
    [InlineData("low", "Invalid", null)]
    [InlineData("text <answer>x</answer>", "Invalid", null)]
    [InlineData("", "Invalid", null)]
    [InlineData("<answer> </answer>", "Invalid", null)]
    [InlineData("<think>\n</think><answer>x</answer>", "Invalid", null)]
    public void ResponseShapes(string response, string mode, string? answer)
    {
        var parsed = AudioThinker.Rewards.Parsing.TaggedResponseParser.Instance.Parse(response);
        Assert.Equal(mode, parsed.Mode.ToString());
        Assert.Equal(answer, parsed.Answer);
    }
}
