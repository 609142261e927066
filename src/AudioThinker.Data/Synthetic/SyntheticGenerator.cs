using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Abstractions;
using AudioThinker.Data.Audio;
using AudioThinker.Data.Datasets;

namespace AudioThinker.Data.Synthetic;

/// <summary>One generated question with the scene behind it and its samples.</summary>
/// <param name="Question">The question (its audio is in-memory samples).</param>
/// <param name="Template">The template it was made from.</param>
/// <param name="Scene">The events in the clip.</param>
/// <param name="Samples">The clip, mono, rounded to 16-bit levels (identical to what its WAV file reads back as).</param>
public sealed record SyntheticItem(AudioQuestion Question, QuestionTemplate Template, Scene Scene, float[] Samples);

/// <summary>What <see cref="SyntheticGenerator.Write"/> produced.</summary>
/// <param name="Directory">The output folder.</param>
/// <param name="QuestionsFile">The native JSONL file (audio paths relative to it).</param>
/// <param name="ManifestFile">The manifest: settings, counts, vocabulary and a SHA-256 of the questions file.</param>
/// <param name="Questions">The questions, their audio as file references.</param>
public sealed record SyntheticDataset(string Directory, string QuestionsFile, string ManifestFile, IReadOnlyList<AudioQuestion> Questions);

/// <summary>
/// The synthetic difficulty-graded audio QA generator. Each question gets its own clip of beeps (high or low, loud or
/// quiet) and maybe a noise burst; its level is the number of reasoning steps it needs (see <see cref="QuestionTemplates"/>).
/// Templates rotate within a level; the right answer is drawn uniformly from the choices first and the clip is drawn
/// until it has that answer, so no answer is more frequent than another. Item i of a level depends only on the seed,
/// the level and i, and all arithmetic is portable: the same settings give the same bytes.
/// </summary>
public sealed class SyntheticGenerator
{
    /// <summary>The name of the questions file written by <see cref="Write"/>.</summary>
    public const string QuestionsFileName = "questions.jsonl";

    /// <summary>The name of the manifest written by <see cref="Write"/>.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The task name every synthetic question carries.</summary>
    public const string TaskName = "beeps";

    private const int MaxAttempts = 1_000_000;

    /// <summary>Creates a generator.</summary>
    /// <exception cref="ArgumentException">A setting is out of range (the message names the key).</exception>
    public SyntheticGenerator(SyntheticOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public SyntheticOptions Options { get; }

    /// <summary>The templates in use for a level.</summary>
    public IReadOnlyList<QuestionTemplate> TemplatesFor(Difficulty level) => Options.TemplatesFor(level);

    /// <summary>Every item, easy first, then medium, then hard, lazily.</summary>
    public IEnumerable<SyntheticItem> Items()
    {
        foreach (var (level, count) in new[] { (Difficulty.Easy, Options.Counts.Easy), (Difficulty.Medium, Options.Counts.Medium), (Difficulty.Hard, Options.Counts.Hard) })
        {
            // Validate() has checked that every level asked for has a template.
            var templates = TemplatesFor(level);
            for (var i = 0; i < count; i++)
            {
                yield return Make(level, i, templates[i % templates.Count]);
            }
        }
    }

    /// <summary>The in-memory dataset: questions whose audio is samples at <see cref="SyntheticOptions.SampleRate"/>, no files.</summary>
    public IReadOnlyList<AudioQuestion> Generate() => Items().Select(i => i.Question).ToList();

    /// <summary>Writes <c>audio/ID.wav</c> (16-bit PCM), <see cref="QuestionsFileName"/> and <see cref="ManifestFileName"/> into <paramref name="directory"/>.</summary>
    public SyntheticDataset Write(string directory)
    {
        var root = Path.GetFullPath(directory);
        var audioDir = Path.Combine(root, "audio");
        Directory.CreateDirectory(audioDir);
        var questions = new List<AudioQuestion>();
        foreach (var item in Items())
        {
            var wav = Path.Combine(audioDir, item.Question.Id + ".wav");
            WavWriter.WritePcm16(wav, item.Samples, Options.SampleRate);
            questions.Add(item.Question with { Audio = new AudioReference(wav) });
        }
        var questionsFile = Path.Combine(root, QuestionsFileName);
        AudioQuestionJsonl.Write(questionsFile, questions);
        var manifestFile = Path.Combine(root, ManifestFileName);
        File.WriteAllText(manifestFile, Manifest(questions, questionsFile).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", new UTF8Encoding(false));
        return new SyntheticDataset(root, questionsFile, manifestFile, questions);
    }

    /// <summary>The distinct words of every question, choice and reference reasoning, sorted (punctuation split off): the text vocabulary a word-level tokenizer needs.</summary>
    public static IReadOnlyList<string> Vocabulary(IEnumerable<AudioQuestion> questions)
    {
        var words = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var q in questions)
        {
            foreach (var text in q.Choices.Append(q.Question).Append(q.ReferenceReasoning ?? ""))
            {
                words.UnionWith(Words(text));
            }
        }
        return [.. words];
    }

    /// <summary>Splits text into words and the punctuation marks . , ? : as separate items.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var spaced = new StringBuilder(text.Length * 2);
        foreach (var c in text)
        {
            if (c is '.' or ',' or '?' or ':')
            {
                spaced.Append(' ').Append(c).Append(' ');
            }
            else
            {
                spaced.Append(c);
            }
        }
        return spaced.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private SyntheticItem Make(Difficulty level, int index, QuestionTemplate template)
    {
        var id = $"{DifficultyNames.Name(level)}-{index:D5}";
        var rng = SeededRandom.For(Options.Seed, (long)level, index);
        var choices = template.Choices(Options);
        var target = rng.Pick(choices);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var content = SceneSampler.DrawContent(Options, rng);
            // Answers are decided by content alone; timing is drawn only for the accepted content.
            var probe = new Scene([.. content.Select(c => new SoundEvent(c.Kind, c.High, c.Loud, 0, 0))]);
            if (!template.Accepts(probe) || template.Answer(probe) != target)
            {
                continue;
            }
            var scene = SceneSampler.Place(content, Options, rng);
            var samples = SceneRenderer.Render(scene, Options, rng);
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i] = WavWriter.Quantize16(samples[i]);
            }
            var facts = template.Facts(scene);
            var question = new AudioQuestion(id, new AudioReference(samples, Options.SampleRate), template.Text, choices, target)
            {
                Difficulty = level,
                Task = TaskName,
                Category = template.Category,
                SubCategory = template.Name,
                Facts = facts.ToDictionary(f => f.Key, f => f.Value),
                ReferenceReasoning = template.Reasoning(scene),
            };
            return new SyntheticItem(question, template, scene, samples);
        }
        throw new InvalidOperationException($"{id}: no clip with answer '{target}' for template {template.Name} in {MaxAttempts} draws; widen min_beeps..max_beeps");
    }

    private JsonObject Manifest(IReadOnlyList<AudioQuestion> questions, string questionsFile)
    {
        var options = JsonSerializer.SerializeToNode(Options, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!.AsObject();
        options.Remove("max_events");
        var byLevel = new JsonObject();
        foreach (var level in new[] { Difficulty.Easy, Difficulty.Medium, Difficulty.Hard })
        {
            var perTemplate = new JsonObject();
            foreach (var t in TemplatesFor(level))
            {
                perTemplate[t.Name] = questions.Count(q => q.SubCategory == t.Name);
            }
            byLevel[DifficultyNames.Name(level)] = perTemplate;
        }
        var vocabulary = Vocabulary(questions);
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(questionsFile)));
        return new JsonObject
        {
            ["generator"] = "AudioThinker synthetic beeps",
            ["questions_file"] = QuestionsFileName,
            ["questions_sha256"] = hash,
            ["audio"] = $"audio/<id>.wav, mono 16-bit PCM, {Options.SampleRate} Hz, {Options.ClipSeconds} s",
            ["options"] = options,
            ["questions"] = questions.Count,
            ["templates"] = byLevel,
            ["vocabulary_size"] = vocabulary.Count,
            ["vocabulary"] = new JsonArray(vocabulary.Select(w => (JsonNode?)w).ToArray()),
            ["max_reasoning_words"] = questions.Count == 0 ? 0 : questions.Max(q => Words(q.ReferenceReasoning ?? "").Count()),
        };
    }
}
