using AudioThinker.Abstractions;
using AudioThinker.Data;
using AudioThinker.Data.Audio;

namespace AudioThinker.Grpo.Composition;

/// <summary>
/// Decodes every audio file a dataset names before training starts. Audio is otherwise read when a question is first drawn,
/// and since the data order is a function of (seed, step), a corrupt or missing file would stop the run at the same step on
/// every resume; checked up front, all bad files are reported at once, before any compute is spent.
/// </summary>
public static class AudioPreflight
{
    private const int Listed = 10;

    /// <summary>Decodes each question's audio file (in-memory audio is skipped).</summary>
    /// <param name="questions">The questions.</param>
    /// <param name="dataset">The dataset file, named in the message.</param>
    /// <param name="audioBaseDirectory">Where relative paths resolve.</param>
    /// <exception cref="DataFileException">Some audio is missing or cannot be decoded; the message names the dataset, the
    /// number of bad questions and, for the first ten, the question id and the file's own error.</exception>
    public static void Check(IReadOnlyList<AudioQuestion> questions, string dataset, string? audioBaseDirectory)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var loader = new AudioLoader();
        var bad = new List<string>();
        var count = 0;
        foreach (var q in questions)
        {
            if (q.Audio?.Path is null)
            {
                continue;
            }
            try
            {
                loader.Load(q.Audio, audioBaseDirectory);
            }
            catch (Exception e) when (e is DataFileException or IOException or UnauthorizedAccessException)
            {
                count++;
                if (bad.Count < Listed)
                {
                    bad.Add($"question '{q.Id}': {e.Message}");
                }
            }
        }
        if (count > 0)
        {
            throw new DataFileException(dataset,
                $"{count} of {questions.Count} questions have unreadable audio (fix or remove them before training): {string.Join("; ", bad)}{(count > Listed ? "; …" : "")}");
        }
    }
}
