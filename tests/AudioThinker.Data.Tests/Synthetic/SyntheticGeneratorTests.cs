using System.Security.Cryptography;
using AudioThinker.Abstractions;
using AudioThinker.Data.Audio;
using AudioThinker.Data.Datasets;
using AudioThinker.Data.Synthetic;

namespace AudioThinker.Data.Tests.Synthetic;

public class SyntheticGeneratorTests
{
    private static SyntheticOptions Small(long seed = 7, int each = 9) => new() { Seed = seed, Counts = new LevelCounts { Easy = each, Medium = each, Hard = each } };

    private static Dictionary<string, string> HashFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void SameSeedGivesTheSameBytes()
    {
        var a = Fixture.TempDir("synth-a");
        var b = Fixture.TempDir("synth-b");
        new SyntheticGenerator(Small()).Write(a);
        new SyntheticGenerator(Small()).Write(b);
        var ha = HashFiles(a);
        Assert.Equal(27 + 2, ha.Count);
        Assert.Equal(ha, HashFiles(b));
        var c = Fixture.TempDir("synth-c");
        new SyntheticGenerator(Small(seed: 8)).Write(c);
        var hc = HashFiles(c);
        Assert.NotEqual(ha["questions.jsonl"], hc["questions.jsonl"]);
        Assert.True(ha.Keys.Where(k => k.StartsWith("audio", StringComparison.Ordinal)).Count(k => ha[k] != hc[k]) >= 26);
    }

    [Fact]
    public void AnItemDoesNotDependOnHowManyOthersAreMade()
    {
        var few = new SyntheticGenerator(Small(each: 3)).Items().ToList();
        var many = new SyntheticGenerator(Small(each: 6)).Items().ToList();
        foreach (var item in few)
        {
            var same = many.Single(m => m.Question.Id == item.Question.Id);
            Assert.Equal(item.Samples, same.Samples);
            Assert.Equal(item.Question.ReferenceReasoning, same.Question.ReferenceReasoning);
        }
    }

    [Fact]
    public void WrittenFilesReadBackAsTheInMemoryQuestions()
    {
        var dir = Fixture.TempDir("synth");
        var options = Small(each: 4);
        var written = new SyntheticGenerator(options).Write(dir);
        var memory = new SyntheticGenerator(options).Generate();
        var read = AudioQuestionJsonl.Read(written.QuestionsFile);
        Assert.Equal(memory.Select(q => q.Id), read.Select(q => q.Id));
        var loader = new AudioLoader();
        for (var i = 0; i < read.Count; i++)
        {
            Assert.Equal(Path.Combine(dir, "audio", memory[i].Id + ".wav"), read[i].Audio!.Path);
            Assert.Equal(memory[i].Audio!.Samples, loader.Load(read[i].Audio!));
            Assert.Equal((memory[i].Answer, memory[i].Difficulty, memory[i].ReferenceReasoning), (read[i].Answer, read[i].Difficulty, read[i].ReferenceReasoning));
            Assert.Equal(memory[i].Facts, read[i].Facts);
        }
        Assert.Contains("\"vocabulary\"", File.ReadAllText(written.ManifestFile));
    }

    [Fact]
    public void QuestionsAreWellFormedAndLevelsCountReasoningSteps()
    {
        var questions = new SyntheticGenerator(Small(each: 60)).Generate();
        foreach (var q in questions)
        {
            Assert.Contains(q.Answer, q.Choices);
            Assert.Equal(SyntheticGenerator.TaskName, q.Task);
            Assert.Equal(16000 * 3, q.Audio!.Samples!.Length);
            // Every fact is stated as "name: value." and the chain ends with the answer.
            foreach (var (name, value) in q.Facts)
            {
                Assert.Contains($"{name.Replace('_', ' ')}: {value}.", q.ReferenceReasoning);
            }
            Assert.EndsWith($"so the answer is {q.Answer}.", q.ReferenceReasoning);
            var stated = q.Facts.Count(f => f.Key != "sequence");
            Assert.Equal(q.Difficulty switch { Difficulty.Easy => 1, Difficulty.Medium => q.SubCategory == "same_pitch" ? 2 : 1, _ => q.SubCategory == "count_loud_high" ? 1 : 2 }, stated);
        }
        // Medium and hard questions need a count or a comparison; easy ones never do.
        Assert.All(questions.Where(q => q.Difficulty == Difficulty.Easy), q => Assert.DoesNotContain("sequence", q.Facts.Keys));
        Assert.All(questions.Where(q => q.Difficulty == Difficulty.Hard), q => Assert.Matches("(more than|less than|equal to|loud high beeps:)", q.ReferenceReasoning!));
    }

    [Fact]
    public void AnswersAreBalancedWithinEachTemplate()
    {
        var questions = new SyntheticGenerator(Small(seed: 3, each: 150)).Generate();
        foreach (var group in questions.GroupBy(q => q.SubCategory))
        {
            var choices = group.First().Choices;
            var counts = choices.ToDictionary(c => c, c => group.Count(q => q.Answer == c));
            var expected = (double)group.Count() / choices.Count;
            // 50 questions per template: each answer within ±60% of its fair share (a fixed answer would be 0 or 100%).
            Assert.All(counts, kv => Assert.InRange(kv.Value, expected * 0.4, expected * 1.6));
        }
    }

    [Fact]
    public void FactsCanBeReadOffTheLogMelSpectrogram()
    {
        var options = Small(seed: 11, each: 30);
        var reader = new SpectrogramReader(options);
        var items = new SyntheticGenerator(options).Items().ToList();
        foreach (var item in items)
        {
            var seen = reader.Read(item.Samples);
            Assert.Equal(item.Scene.Events.Select(e => (e.Kind, e.Kind == SoundKind.Beep && e.High)), seen.Events.Select(e => (e.Kind, e.High)));
            Assert.Equal(item.Scene.Beeps.Select(b => b.Loud), seen.Beeps.Select(b => b.Loud));
            Assert.Equal(item.Question.Answer, item.Template.Answer(seen));
            Assert.Equal(item.Question.Facts, item.Template.Facts(seen).ToDictionary(f => f.Key, f => f.Value));
        }
    }

    [Fact]
    public void VocabularyIsSmallAndRegular()
    {
        var questions = new SyntheticGenerator(Small(each: 90)).Generate();
        var vocabulary = SyntheticGenerator.Vocabulary(questions);
        Assert.InRange(vocabulary.Count, 30, 50);
        Assert.All(vocabulary, w => Assert.Matches("^([a-z]+|[0-9]|[.,?:])$", w));
        Assert.Equal(["so", "the", "answer", "is", "2", "."], SyntheticGenerator.Words("so the answer is 2."));
        var longest = questions.Max(q => SyntheticGenerator.Words(q.ReferenceReasoning!).Count());
        Assert.InRange(longest, 10, 60);
    }

    [Fact]
    public void ShortClipsAndFewerBeepsAreSupported()
    {
        var options = new SyntheticOptions { ClipSeconds = 2, MaxBeeps = 3, Counts = new LevelCounts { Easy = 3, Medium = 3, Hard = 3 } };
        var questions = new SyntheticGenerator(options).Generate();
        Assert.All(questions, q => Assert.Equal(32000, q.Audio!.Samples!.Length));
        Assert.Equal(["0", "1", "2", "3"], questions.First(q => q.SubCategory == "count_high").Choices);
    }

    private static string Pitch(bool high) => high ? "high" : "low";

    private static readonly string[] ExtraHard = ["high_parity", "beep_parity", "pitch_changes", "match_first", "high_times_low", "high_mod3", "beep_mod3", "odd_one_out"];

    [Fact]
    public void ExtraHardTemplatesAreChosenByNameOnly()
    {
        var defaults = new SyntheticGenerator(Small(each: 18)).Generate();
        Assert.DoesNotContain(defaults, q => ExtraHard.Contains(q.SubCategory));
        Assert.Equal(9, defaults.Select(q => q.SubCategory).Distinct().Count());

        var chosen = new SyntheticOptions { Seed = 5, Templates = ["first_pitch", "count_high", .. ExtraHard], Counts = new LevelCounts { Easy = 3, Medium = 3, Hard = 400 } };
        var hard = new SyntheticGenerator(chosen).Items().Where(i => i.Question.Difficulty == Difficulty.Hard).ToList();
        Assert.Equal(ExtraHard.Order(), hard.Select(i => i.Template.Name).Distinct().Order());
        foreach (var item in hard)
        {
            var (q, pitches) = (item.Question, item.Scene.Beeps.Select(b => b.High).ToList());
            // The answers from the scene itself, computed here independently of the templates.
            var expected = q.SubCategory switch
            {
                "high_parity" => pitches.Count(h => h) % 2 == 0 ? "even" : "odd",
                "beep_parity" => pitches.Count % 2 == 0 ? "even" : "odd",
                "match_first" => pitches.Count(h => h == pitches[0]).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "high_times_low" => (pitches.Count(h => h) * pitches.Count(h => !h)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "high_mod3" => (pitches.Count(h => h) % 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "beep_mod3" => (pitches.Count % 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "odd_one_out" => pitches[0] == pitches[1] && pitches[1] == pitches[2] ? "none"
                    : pitches[1] == pitches[2] ? "first" : pitches[0] == pitches[2] ? "second" : "third",
                _ => Enumerable.Range(1, pitches.Count - 1).Count(i => pitches[i] != pitches[i - 1]).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            Assert.Equal(expected, q.Answer);
            Assert.Contains(q.Answer, q.Choices);
            Assert.StartsWith(q.SubCategory == "odd_one_out"
                ? $"first beep pitch: {Pitch(pitches[0])}. second beep pitch: {Pitch(pitches[1])}. third beep pitch: {Pitch(pitches[2])}."
                : $"sequence: {string.Join(" ", pitches.Select(Pitch))}.", q.ReferenceReasoning);
            Assert.EndsWith($"so the answer is {q.Answer}.", q.ReferenceReasoning);
        }
        // Every answer appears, none dominates (50 questions per template).
        foreach (var group in hard.GroupBy(i => i.Template.Name))
        {
            var choices = group.First().Question.Choices;
            Assert.Equal(group.Key switch
            {
                "pitch_changes" => ["0", "1", "2", "3", "4"],
                "match_first" => ["1", "2", "3", "4", "5"],
                "high_times_low" => ["0", "1", "2", "3", "4", "6"],
                "high_mod3" or "beep_mod3" => ["0", "1", "2"],
                "odd_one_out" => ["first", "second", "third", "none"],
                _ => ["odd", "even"]
            }, choices);
            var fair = (double)group.Count() / choices.Count;
            Assert.All(choices, c => Assert.InRange(group.Count(i => i.Question.Answer == c), fair * 0.4, fair * 1.6));
        }
    }
}
