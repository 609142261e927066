namespace AudioThinker.Bench;

/// <summary>Prints a Markdown table: benchmarks end with one.</summary>
public static class Table
{
    /// <summary>Writes the header and rows, columns padded to their widest cell.</summary>
    public static void Print(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Count).Select(c => all.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        string Line(IReadOnlyList<string> r) => "| " + string.Join(" | ", Enumerable.Range(0, header.Count).Select(c => (c < r.Count ? r[c] : "").PadRight(widths[c]))) + " |";
        Console.WriteLine(Line(header));
        Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var r in all.Skip(1))
        {
            Console.WriteLine(Line(r));
        }
    }
}
