using AudioThinker.Abstractions;
using AudioThinker.Rewards.Judges;

namespace AudioThinker.Rewards.Tests;

public class RuleBasedJudgeTests
{
    private static readonly RuleBasedJudge Judge = new();
    private static readonly string[] Counts = ["3", "4", "5", "6"];

    private static JudgeVerdict Consistency(string reasoning, string answer, IReadOnlyList<string>? choices = null) =>
        Judge.Judge(new JudgeRequest(JudgeKind.Consistency, "How many beeps are there in total?", choices ?? Counts, reasoning, answer));

    private static JudgeVerdict Quality(string reasoning, IReadOnlyDictionary<string, string>? facts = null, IReadOnlyList<string>? choices = null) =>
        Judge.Judge(new JudgeRequest(JudgeKind.ThinkQuality, "How many beeps are there in total?", choices ?? Counts, reasoning, "5")
        {
            Facts = facts ?? new Dictionary<string, string>(),
        });

    [Theory]
    [InlineData("There are 3 high beeps and 2 low beeps, so the answer is 5.", "5", 1)]
    [InlineData("There are 3 high beeps and 2 low beeps, so the answer is 5.", "4", 0)]
    [InlineData("3 high and 2 low. Answer: C", "5", 1)] // option letter in the conclusion
    [InlineData("3 high and 2 low. Answer: C", "C", 1)]
    [InlineData("3 high and 2 low. The final answer is (B) 4", "5", 0)]
    [InlineData("First I thought the answer is 4, but counting again the answer is 5", "5", 1)] // the last statement wins
    [InlineData("The answer is unclear at first. Counting gives five beeps", "5", 1)] // no usable statement: last choice mentioned
    [InlineData("I hear some beeps of two pitches", "5", 0)] // no conclusion at all
    public void ConsistencyComparesTheStatedConclusionWithTheAnswer(string reasoning, string answer, double expected)
    {
        var v = Consistency(reasoning, answer);
        Assert.Equal(expected, v.Score);
        Assert.True(v.Parsed);
        Assert.StartsWith(expected.ToString("0"), v.RawOutput);
    }

    [Fact]
    public void ConsistencyOnOpenQuestionsLooksForTheAnswerInTheConclusion()
    {
        Assert.Equal(1, Consistency("Two barks then three barks make 5 barks in total", "5", []).Score);
        Assert.Equal(0, Consistency("Two barks then three barks make 6 barks in total", "5", []).Score);
        Assert.Equal(1, Consistency("So the answer is a dog barking.", "dog barking", []).Score);
    }

    [Fact]
    public void ThinkQualityChecksStatedValuesAgainstFacts()
    {
        var facts = new Dictionary<string, string> { ["high_beeps"] = "3", ["low_beeps"] = "2" };
        Assert.Equal(1.0, Quality("I count 3 high beeps and 2 low beeps, so 5 beeps in total.", facts).Score);
        Assert.Equal(1.0, Quality("The number of high beeps is three; low beeps: two. Together that is 5.", facts).Score);
        Assert.Equal(1.0, Quality("There is one high beep pattern: high beeps = 3, then low-beeps = 2, giving 5", facts).Score);
        // One right and one wrong: (1 - 1) / 2 = 0.
        Assert.Equal(0.0, Quality("I count 3 high beeps and 4 low beeps, so 7 beeps in total.", facts).Score);
        // One right and one missing: 1 / 2.
        var half = Quality("I count 3 high beeps and some others, so 5 beeps in total.", facts);
        Assert.Equal(0.5, half.Score);
        Assert.Contains("low_beeps=2: missing", half.RawOutput);
        // A self-correction: the last value stated counts.
        Assert.Equal(1.0, Quality("At first 2 high beeps, no wait, 3 high beeps, and 2 low beeps in total here.", facts).Score);
    }

    [Fact]
    public void NonNumericFactsMustAppearWithTheirName()
    {
        var facts = new Dictionary<string, string> { ["speaker_gender"] = "female", ["first_sound"] = "dog bark" };
        Assert.Equal(1.0, Quality("The speaker gender is female and the first sound is a dog bark, then a cat.", facts).Score);
        Assert.Equal(0.5, Quality("The speaker gender is female, and after that I hear a cat.", facts).Score); // first sound: missing
        var wrong = Quality("The speaker gender is female. First sound: cat meow, then a dog.", facts);
        Assert.Equal(0.0, wrong.Score); // one right, one wrong
        Assert.Contains("first_sound=dog bark: wrong (cat meow)", wrong.RawOutput);
    }

    [Fact]
    public void TheSyntheticDatasetsReferenceReasoningScoresFull()
    {
        // The synthetic generator states each fact as "name: value." and ends with "so the answer is X.".
        var facts = new Dictionary<string, string> { ["sequence"] = "loud high, quiet low, loud low", ["loud_high_beeps"] = "1" };
        const string reference = "sequence: loud high, quiet low, loud low. loud high beeps: 1. so the answer is 1.";
        Assert.Equal(1.0, Quality(reference, facts, ["0", "1", "2", "3"]).Score);
        Assert.Equal(1, Consistency(reference, "1", ["0", "1", "2", "3"]).Score);
        Assert.Equal(0.0, Quality("sequence: loud high, loud low, loud low. loud high beeps: 2. so the answer is 2.", facts, ["0", "1", "2", "3"]).Score);

        var pitch = new Dictionary<string, string> { ["first_beep_pitch"] = "high", ["last_beep_pitch"] = "low" };
        const string same = "first beep pitch: high. last beep pitch: low. high is not low, so the answer is no.";
        Assert.Equal(1.0, Quality(same, pitch, ["yes", "no"]).Score);
        Assert.Equal(1, Consistency(same, "no", ["yes", "no"]).Score);
        Assert.Equal(0, Consistency(same, "yes", ["yes", "no"]).Score);
    }

    [Fact]
    public void StructureChecksCatchDegenerateAndRepetitiveReasoning()
    {
        Assert.Equal(0.0, Quality("five").Score);
        var loop = Quality(string.Concat(Enumerable.Repeat("the beep the beep ", 20)));
        Assert.Equal(0.0, loop.Score);
        Assert.Contains("repetitive", loop.RawOutput);
        // Engaging reasoning without facts gets full marks; reasoning that never touches the question gets half.
        Assert.Equal(1.0, Quality("I listened carefully and heard beeps of two pitches; together there are 5 of them.").Score);
        Assert.Equal(0.5, Quality("Let me think about this carefully before I write anything down at all.").Score);
    }

    [Fact]
    public void LongReasoningIsScaledDown()
    {
        var facts = new Dictionary<string, string> { ["high_beeps"] = "3" };
        var words = string.Join(' ', Enumerable.Range(0, 800).Select(i => $"w{i}"));
        var v = Quality($"There are 3 high beeps. {words}", facts);
        Assert.Equal(0.5, v.Score); // 400 / 805 words, rounded to 0.1
    }

    [Fact]
    public void ScoresAreInTenths()
    {
        var facts = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" };
        var v = Quality("a is 1, b is 2 and c is 9 in this clip here", facts); // (2 - 1) / 3 = 0.33 -> 0.3
        Assert.Equal(0.3, v.Score);
        Assert.Equal(Math.Round(v.Score * 10), v.Score * 10, 9);
    }

    [Fact]
    public void OptionsAreValidatedWithTheirKey()
    {
        var e = Assert.Throws<RewardsConfigurationException>(() => new RuleBasedJudge("strict", new RuleBasedJudgeOptions { RepetitionFloor = 0.9, RepetitionFull = 0.8 }));
        Assert.Contains("rewards:judges:strict:repetitionFull", e.Message);
    }

    [Fact]
    public async Task BatchVerdictsComeBackInOrder()
    {
        var requests = new[]
        {
            new JudgeRequest(JudgeKind.Consistency, "q", Counts, "so the answer is 3", "3"),
            new JudgeRequest(JudgeKind.Consistency, "q", Counts, "so the answer is 3", "4"),
        };
        var verdicts = await Judge.JudgeAsync(requests);
        Assert.Equal([1.0, 0.0], verdicts.Select(v => v.Score));
    }
}
