using AudioThinker.Abstractions;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AudioThinker.Grpo.MlNet;

/// <summary>Reads audio questions out of an <see cref="IDataView"/> by column name.</summary>
internal static class DataViewQuestions
{
    public static List<AudioQuestion> Read(IDataView data, GrpoEstimatorOptions o, bool requireAnswer)
    {
        var schema = data.Schema;
        DataViewSchema.Column Need(string name) => schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"the data view has no column '{name}' (columns: {string.Join(", ", schema.Select(c => c.Name))})");
        var audio = Need(o.AudioPathColumn);
        var question = Need(o.QuestionColumn);
        var choices = Need(o.ChoicesColumn);
        var answer = requireAnswer ? Need(o.AnswerColumn) : schema.GetColumnOrNull(o.AnswerColumn);
        var difficulty = schema.GetColumnOrNull(o.DifficultyColumn);
        var columns = new[] { audio, question, choices }.Concat(new[] { answer, difficulty }.Where(c => c is not null).Select(c => c!.Value));
        var result = new List<AudioQuestion>();
        using var cursor = data.GetRowCursor(columns);
        var getAudio = Text(cursor, audio);
        var getQuestion = Text(cursor, question);
        var getChoices = Choices(cursor, choices);
        var getAnswer = answer is { } a ? Text(cursor, a) : () => "";
        var getDifficulty = difficulty is { } d ? Text(cursor, d) : () => "";
        var row = 0;
        while (cursor.MoveNext())
        {
            var path = getAudio();
            result.Add(new AudioQuestion($"row-{row}", string.IsNullOrWhiteSpace(path) ? null : new AudioReference(path), getQuestion(), getChoices(), getAnswer())
            {
                Difficulty = Enum.TryParse<Difficulty>(getDifficulty(), ignoreCase: true, out var level) ? level : Difficulty.Unknown,
            });
            row++;
        }
        return result;
    }

    private static Func<string> Text(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is not TextDataViewType)
        {
            throw new ArgumentException($"column '{column.Name}' must be text, not {column.Type}");
        }
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        return () =>
        {
            ReadOnlyMemory<char> value = default;
            getter(ref value);
            return value.ToString();
        };
    }

    private static Func<IReadOnlyList<string>> Choices(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var text = Text(cursor, column);
            return () => text().Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        }
        if (column.Type is VectorDataViewType { ItemType: TextDataViewType })
        {
            var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
            return () =>
            {
                VBuffer<ReadOnlyMemory<char>> value = default;
                getter(ref value);
                return value.DenseValues().Select(v => v.ToString()).ToList();
            };
        }
        throw new ArgumentException($"column '{column.Name}' must be text ('a|b|c') or a text vector, not {column.Type}");
    }
}
