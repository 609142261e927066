namespace AudioThinker.Data.Datasets;

/// <summary>How the answer field of a mapped JSONL dataset names the right choice.</summary>
public enum AnswerForm
{
    /// <summary>The text of the right choice.</summary>
    Text,
    /// <summary>Its position in the choice list (from <see cref="JsonlFieldMap.AnswerIndexBase"/>).</summary>
    Index,
    /// <summary>Its letter: A for the first choice, B for the second, ….</summary>
    Letter,
}

/// <summary>
/// Field names of a JSONL (or JSON array) training set, for <see cref="MappedJsonlLoader"/>: which field holds the id,
/// the audio, the question, the choices and the answer, and how to turn them into an <see cref="Abstractions.AudioQuestion"/>.
/// A field may be a dotted path into nested objects ("meta.task"). Bindable from configuration (settable properties).
/// An AVQA file as R1-AQA uses it maps as <c>Id=id, Audio=video_name, AudioPathFormat="audios/{0}.wav",
/// Question=question_text, Choices=multi_choice, Answer=answer, AnswerForm=Index</c>, with
/// <c>QuestionReplacements={"video": "audio"}</c>.
/// </summary>
public sealed class JsonlFieldMap
{
    /// <summary>Field of the unique id; null numbers the records ("line-N").</summary>
    public string? Id { get; set; } = "id";

    /// <summary>Field of the audio path (or of a name completed by <see cref="AudioPathFormat"/>).</summary>
    public string Audio { get; set; } = "audio";

    /// <summary>Composite format turning the audio field into a path, {0} being the value (e.g. "audio/{0}.wav"). Default "{0}".</summary>
    public string AudioPathFormat { get; set; } = "{0}";

    /// <summary>Folder relative audio paths start from; null means the folder of the dataset file.</summary>
    public string? AudioDirectory { get; set; }

    /// <summary>Field of the question text.</summary>
    public string Question { get; set; } = "question";

    /// <summary>Field of the list of choices.</summary>
    public string Choices { get; set; } = "choices";

    /// <summary>Field of the answer.</summary>
    public string Answer { get; set; } = "answer";

    /// <summary>How the answer names the right choice. Default: its text.</summary>
    public AnswerForm AnswerForm { get; set; } = AnswerForm.Text;

    /// <summary>The index of the first choice when <see cref="AnswerForm"/> is <see cref="AnswerForm.Index"/>. Default 0.</summary>
    public int AnswerIndexBase { get; set; }

    /// <summary>Optional field of the task name.</summary>
    public string? Task { get; set; }

    /// <summary>Optional field of the category.</summary>
    public string? Category { get; set; }

    /// <summary>Optional field of the sub-category.</summary>
    public string? SubCategory { get; set; }

    /// <summary>Optional field of the difficulty (easy|medium|hard).</summary>
    public string? Difficulty { get; set; }

    /// <summary>Optional field of the facts object.</summary>
    public string? Facts { get; set; }

    /// <summary>Optional field of a reference reasoning chain.</summary>
    public string? ReferenceReasoning { get; set; }

    /// <summary>Whole-word replacements applied to the question text (R1-AQA rewrites "video" as "audio" in AVQA), case-sensitive.</summary>
    public Dictionary<string, string> QuestionReplacements { get; set; } = [];
}
