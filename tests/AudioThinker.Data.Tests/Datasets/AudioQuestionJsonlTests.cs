using AudioThinker.Abstractions;
using AudioThinker.Data.Datasets;

namespace AudioThinker.Data.Tests.Datasets;

public class AudioQuestionJsonlTests
{
    [Fact]
    public void RoundTripKeepsEveryFieldAndRelativeAudio()
    {
        var dir = Fixture.TempDir("native");
        var questions = new[]
        {
            new AudioQuestion("q1", new AudioReference(Path.Combine(dir, "audio", "q1.wav")), "Is the first beep high or low?", ["high", "low"], "low")
            {
                Task = "beeps", Category = "pitch", SubCategory = "first_pitch", Difficulty = Difficulty.Easy,
                Facts = new Dictionary<string, string> { ["first_pitch"] = "low" }, ReferenceReasoning = "first beep: low. so low.",
            },
            new AudioQuestion("q2", null, "Text only, \"quoted\" é?", ["a", "b"], "b"),
        };
        var path = Path.Combine(dir, "data.jsonl");
        AudioQuestionJsonl.Write(path, questions);
        var text = File.ReadAllText(path);
        Assert.Contains("\"audio\":\"audio/q1.wav\"", text);
        Assert.Contains("é", text);
        Assert.Equal(2, text.Count(c => c == '\n'));
        var back = AudioQuestionJsonl.Read(path);
        Assert.Equal(questions[0].Audio!.Path, back[0].Audio!.Path);
        Assert.Equal((questions[0].Task, questions[0].Category, questions[0].SubCategory, questions[0].Difficulty, questions[0].ReferenceReasoning),
            (back[0].Task, back[0].Category, back[0].SubCategory, back[0].Difficulty, back[0].ReferenceReasoning));
        Assert.Equal(questions[0].Facts, back[0].Facts);
        Assert.Null(back[1].Audio);
        Assert.Equal(questions[1].Question, back[1].Question);
        Assert.Equal(Difficulty.Unknown, back[1].Difficulty);
    }

    [Fact]
    public void InMemoryAudioCannotBeWritten()
    {
        var q = new AudioQuestion("m", new AudioReference(new float[10], 16000), "q", ["a"], "a");
        var e = Assert.Throws<ArgumentException>(() => AudioQuestionJsonl.Write(Path.Combine(Fixture.TempDir("native"), "x.jsonl"), [q]));
        Assert.Contains("question 'm' carries in-memory samples", e.Message);
    }

    [Fact]
    public void BadLinesAreReportedWithLineAndField()
    {
        var path = Path.Combine(Fixture.TempDir("native"), "bad.jsonl");
        File.WriteAllText(path, "{\"id\":\"a\",\"question\":\"q\",\"choices\":[\"x\",\"y\"],\"answer\":\"x\"}\n{\"id\":\"b\",\"question\":\"q\",\"choices\":[\"x\",\"y\"],\"answer\":\"z\"}\n");
        Assert.Equal($"{path}:2 (id \"b\"): field 'answer' 'z' is not one of the choices [x, y]", Assert.Throws<DatasetFormatException>(() => AudioQuestionJsonl.Read(path)).Message);
        File.WriteAllText(path, "{\"id\":\"a\",\"question\":\"q\",\"choices\":[\"x\"],\"answer\":\"x\"}\n{\"id\":\"a\",\"question\":\"q\",\"choices\":[\"x\"],\"answer\":\"x\"}\n");
        Assert.Contains("repeats id 'a'", Assert.Throws<DatasetFormatException>(() => AudioQuestionJsonl.Read(path)).Message);
        File.WriteAllText(path, "{\"id\":\"a\",\"question\":\"q\",\"choices\":[\"x\"],\"answer\":\"x\",\"facts\":{\"n\":[1]}}\n");
        Assert.Contains("field 'facts.n' must be a string, got a list", Assert.Throws<DatasetFormatException>(() => AudioQuestionJsonl.Read(path)).Message);
    }
}
