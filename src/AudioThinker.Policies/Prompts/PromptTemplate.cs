using System.Globalization;
using System.Text;
using AudioThinker.Abstractions;

namespace AudioThinker.Policies.Prompts;

/// <summary>
/// A named way of asking a question: the user turn is the question, then (for a multiple-choice question) the options
/// R1-AQA style, <c>Please choose the answer from the following options: ['a', 'b'].</c>, then the instruction.
/// </summary>
/// <param name="Name">The name it is chosen by (<see cref="PromptTemplates.Get"/>).</param>
/// <param name="Instruction">The sentence(s) after the question and options, telling the model how to answer.</param>
/// <param name="Description">What the template is for, and where its text comes from.</param>
public sealed record PromptTemplate(string Name, string Instruction, string Description)
{
    /// <summary>The user turn's text for a question.</summary>
    /// <exception cref="ArgumentException">The question text is empty or a choice is null.</exception>
    public string FormatUser(AudioQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (string.IsNullOrWhiteSpace(question.Question))
        {
            throw new ArgumentException($"question '{question.Id}' has an empty question text", nameof(question));
        }
        var sb = new StringBuilder(question.Question);
        if (question.Choices.Count > 0)
        {
            sb.Append(" Please choose the answer from the following options: ").Append(FormatOptions(question.Choices, question.Id)).Append('.');
        }
        return sb.Append(' ').Append(Instruction).ToString();
    }

    /// <summary>
    /// The options as R1-AQA writes them: Python's <c>str()</c> of a list of strings, e.g. <c>['2', "it's 3"]</c>
    /// (single quotes unless the choice holds a single quote and no double quote; backslashes, the quote and control
    /// characters escaped as Python does).
    /// </summary>
    /// <exception cref="ArgumentException">A choice is null.</exception>
    public static string FormatOptions(IReadOnlyList<string> choices, string? questionId = null)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var sb = new StringBuilder("[");
        for (var i = 0; i < choices.Count; i++)
        {
            var choice = choices[i] ?? throw new ArgumentException($"question '{questionId}': choice {i} is null", nameof(choices));
            if (i > 0)
            {
                sb.Append(", ");
            }
            AppendPythonRepr(sb, choice);
        }
        return sb.Append(']').ToString();
    }

    private static void AppendPythonRepr(StringBuilder sb, string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            if (v == '\\' || v == quote)
            {
                sb.Append('\\').Append((char)v);
            }
            else if (v is '\n' or '\r' or '\t')
            {
                sb.Append(v switch { '\n' => @"\n", '\r' => @"\r", _ => @"\t" });
            }
            else if (IsPythonPrintable(rune))
            {
                sb.Append(rune.ToString());
            }
            else
            {
                sb.Append(v < 0x100 ? $"\\x{v:x2}" : v < 0x10000 ? $"\\u{v:x4}" : $"\\U{v:x8}");
            }
        }
        sb.Append(quote);
    }

    // Python's str.isprintable: everything but control, format, surrogate, private-use, unassigned and separator
    // characters, the ASCII space excepted.
    private static bool IsPythonPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
