using AudioThinker.Abstractions;
using AudioThinker.Data.Datasets;

namespace AudioThinker.Data.Tests.Datasets;

/// <summary>The benchmark loaders on hand-built files shaped like the real ones.</summary>
public class BenchmarkLoaderTests
{
    private static string WriteFile(string name, string content)
    {
        var path = Path.Combine(Fixture.TempDir("ds"), name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void MmauRecordsWithStringAndListCategories()
    {
        var path = WriteFile("mmau-test-mini.json", """
            [
              {"id": "a1", "audio_id": "./test-mini-audios/a1.wav", "question": "What is heard?", "choices": ["dog", "hot dog", "cat"],
               "answer": "dog", "dataset": "x", "task": "sound", "split": "test-mini", "category": "Sound Event", "sub-category": "Counting", "difficulty": "easy"},
              {"id": "a2", "audio_id": "./test-mini-audios/a2.wav", "question": "Which?", "choices": ["1", "2"],
               "answer": "2", "task": "music", "category": ["Music Genre"], "sub-category": null, "difficulty": "hard"}
            ]
            """);
        var qs = MmauLoader.Load(path);
        Assert.Equal(2, qs.Count);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(path)!, "test-mini-audios", "a1.wav"), qs[0].Audio!.Path);
        Assert.Equal(["dog", "hot dog", "cat"], qs[0].Choices);
        Assert.Equal(("sound", "Sound Event", "Counting", Difficulty.Easy), (qs[0].Task, qs[0].Category, qs[0].SubCategory, qs[0].Difficulty));
        Assert.Equal("Music Genre", qs[1].Category);
        Assert.Null(qs[1].SubCategory);
        Assert.Equal(Difficulty.Hard, qs[1].Difficulty);
    }

    [Fact]
    public void MmauErrorsNameTheRecordAndField()
    {
        var path = WriteFile("m.json", """[{"id": "a1", "audio_id": "x.wav", "question": "q", "choices": "dog", "answer": "dog"}]""");
        var e = Assert.Throws<DatasetFormatException>(() => MmauLoader.Load(path));
        Assert.Equal($"{path}[0] (id \"a1\"): field 'choices' must be a list of strings, got a string \"dog\"", e.Message);
        var bad = WriteFile("d.json", """[{"id": 7, "audio_id": "x.wav", "question": "q", "choices": ["a"], "answer": "a", "difficulty": "tricky"}]""");
        Assert.Contains("field 'difficulty' difficulty 'tricky' is not one of easy, medium, hard", Assert.Throws<DatasetFormatException>(() => MmauLoader.Load(bad)).Message);
        var notJson = WriteFile("n.json", "[{\"id\": 1,]]");
        Assert.Contains("not valid JSON", Assert.Throws<DatasetFormatException>(() => MmauLoader.Load(notJson)).Message);
        Assert.Contains("file not found", Assert.Throws<DatasetFormatException>(() => MmauLoader.Load(path + ".missing")).Message);
    }

    [Fact]
    public void MmarJsonlWithModality()
    {
        var path = WriteFile("MMAR-meta.jsonl", """
            {"id": "m1", "audio_path": "./audio/m1.wav", "question": "Who speaks?", "choices": ["a man", "a woman"], "answer": "a man", "modality": "speech", "category": "Semantic Layer", "sub-category": "Speaker Analysis", "language": "en", "source": "s", "url": "u", "timestamp": "t", "thinking": "x", "cue": "c", "rubric": []}

            {"id": "m2", "audio_path": "./audio/m2.wav", "question": "Tempo?", "choices": ["fast", "slow"], "answer": "slow", "modality": "mix-sound-music", "category": "Perception Layer", "sub-category": "Temporal Analysis"}
            """);
        var qs = MmarLoader.Load(path);
        Assert.Equal(2, qs.Count);
        Assert.Equal(("speech", "Semantic Layer", "Speaker Analysis"), (qs[0].Task, qs[0].Category, qs[0].SubCategory));
        Assert.Equal(Difficulty.Unknown, qs[1].Difficulty);
        Assert.EndsWith(Path.Combine("audio", "m2.wav"), qs[1].Audio!.Path);
        var broken = WriteFile("b.jsonl", "{\"id\": \"m1\", \"audio_path\": \"a\", \"question\": \"q\", \"choices\": [\"x\"], \"answer\": \"x\"}\n{oops}\n");
        var e = Assert.Throws<DatasetFormatException>(() => MmarLoader.Load(broken));
        Assert.StartsWith($"{broken}:2: not valid JSON", e.Message);
    }

    [Fact]
    public void AirBenchMissingChoicesLayoutAndFlacRule()
    {
        var path = WriteFile("Foundation_meta.json", """
            [
              {"path": "clip1.wav", "question": "Which sound?", "choice_a": "dog", "choice_b": "cat", "choice_c": "bird", "choice_d": "car", "answer_gt": "bird", "task_name": "Sound_AQA", "dataset_name": "clotho", "uniq_id": 11},
              {"path": "clip2.wav", "question": "Is it speech?", "choice_a": "yes", "choice_b": "no", "answer_gt": "no", "task_name": "Speech_Detection", "dataset_name": "LJ", "uniq_id": 12},
              {"path": "g/clip3.wav", "question": "When?", "choice_a": "[0, 1]", "choice_b": "[1, 2]", "choice_c": "[2, 3]", "choice_d": null, "answer_gt": "[1, 2]", "task_name": "Audio_Grounding", "dataset_name": "AudioGrounding", "uniq_id": 13}
            ]
            """);
        var dir = Path.GetDirectoryName(path)!;
        var qs = AirBenchLoader.Load(path);
        Assert.Equal(["dog", "cat", "bird", "car"], qs[0].Choices);
        Assert.Equal("11", qs[0].Id);
        Assert.Equal(Path.Combine(dir, "Sound_AQA_clotho", "clip1.wav"), qs[0].Audio!.Path);
        Assert.Equal(("Sound_AQA", "Sound_AQA_clotho", "clotho"), (qs[0].Task, qs[0].Category, qs[0].SubCategory));
        Assert.Equal(["yes", "no"], qs[1].Choices);
        Assert.Equal(["[0, 1]", "[1, 2]", "[2, 3]"], qs[2].Choices);
        Assert.Equal(Path.Combine(dir, "Audio_Grounding_AudioGrounding", "g", "clip3.flac"), qs[2].Audio!.Path);
    }

    [Fact]
    public void AirBenchRejectsAnAnswerOutsideTheChoicesAndShiftedLetters()
    {
        var path = WriteFile("f.json", """[{"path": "p.wav", "question": "q", "choice_a": "x", "choice_b": "y", "answer_gt": "z", "task_name": "T", "dataset_name": "D", "uniq_id": 1}]""");
        Assert.Contains("field 'answer_gt' 'z' is none of the choices [x, y]", Assert.Throws<DatasetFormatException>(() => AirBenchLoader.Load(path)).Message);
        var gap = WriteFile("g.json", """[{"path": "p.wav", "question": "q", "choice_a": "x", "choice_b": "y", "choice_d": "w", "answer_gt": "w", "task_name": "T", "dataset_name": "D", "uniq_id": 1}]""");
        Assert.Contains("field 'choice_d' is present although an earlier choice is missing", Assert.Throws<DatasetFormatException>(() => AirBenchLoader.Load(gap)).Message);
    }

    [Fact]
    public void MappedJsonlReadsAnAvqaStyleFile()
    {
        var path = WriteFile("train.jsonl", """
            {"id": 1, "video_name": "-abc_30", "question_text": "What is making the sound in the video?", "multi_choice": ["car", "dog", "piano", "rain"], "answer": 2, "meta": {"type": "Which"}}
            {"id": 2, "video_name": "xyz_10", "question_text": "Is the video loud? videos are not", "multi_choice": ["yes", "no"], "answer": 0, "meta": {"type": "Come From"}}
            """);
        var map = new JsonlFieldMap
        {
            Audio = "video_name",
            AudioPathFormat = "audios/{0}.wav",
            Question = "question_text",
            Choices = "multi_choice",
            AnswerForm = AnswerForm.Index,
            Category = "meta.type",
            QuestionReplacements = new() { ["video"] = "audio" },
        };
        var qs = MappedJsonlLoader.Load(path, map);
        Assert.Equal("piano", qs[0].Answer);
        Assert.Equal("What is making the sound in the audio?", qs[0].Question);
        // Whole words only: "videos" stays.
        Assert.Equal("Is the audio loud? videos are not", qs[1].Question);
        Assert.Equal("Which", qs[0].Category);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(path)!, "audios", "-abc_30.wav"), qs[0].Audio!.Path);

        var letters = WriteFile("l.jsonl", """{"id": "q", "audio": "a.wav", "question": "q", "choices": ["x", "y", "z"], "answer": "(C)"}""");
        Assert.Equal("z", MappedJsonlLoader.Load(letters, new JsonlFieldMap { AnswerForm = AnswerForm.Letter })[0].Answer);
        var outOfRange = WriteFile("o.jsonl", """{"id": "q", "audio": "a.wav", "question": "q", "choices": ["x", "y"], "answer": 2}""");
        Assert.Contains("'2' is not a choice index from 0 to 1", Assert.Throws<DatasetFormatException>(() => MappedJsonlLoader.Load(outOfRange, new JsonlFieldMap { AnswerForm = AnswerForm.Index })).Message);
        Assert.Equal("y", MappedJsonlLoader.Load(outOfRange, new JsonlFieldMap { AnswerForm = AnswerForm.Index, AnswerIndexBase = 1 })[0].Answer);
        var missing = WriteFile("m.jsonl", """{"id": "q", "question": "q", "choices": ["x"], "answer": "x"}""");
        Assert.Equal($"{missing}:1 (id \"q\"): field 'audio' is missing", Assert.Throws<DatasetFormatException>(() => MappedJsonlLoader.Load(missing, new JsonlFieldMap())).Message);
    }
}
