using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScottPlot;

namespace AudioThinker.Data.Evaluation;

/// <summary>Writes an <see cref="EvaluationReport"/> as JSON, Markdown and PNG bar charts (ScottPlot).</summary>
public static class ReportWriter
{
    /// <summary>The JSON settings: snake_case names, indented, readable non-ASCII.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The report as JSON.</summary>
    public static string ToJson(EvaluationReport report) => JsonSerializer.Serialize(report, JsonOptions);

    /// <summary>The report as Markdown: the official table, then accuracy and response forms by difficulty, task and category.</summary>
    public static string ToMarkdown(EvaluationReport report)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Evaluation: {report.Benchmark}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Predictions: `{report.Source}` ({report.Count}); scoring: {report.Scoring}.\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Official rule: {report.Official.Rule}.\n\n");
        var o = report.Official.Overall;
        md.Append(CultureInfo.InvariantCulture, $"**Accuracy {Percent(o.Accuracy)}** ({o.Correct}/{o.Scored}");
        md.Append(o.Failed > 0 ? $", {o.Failed} unreadable left out" : "").Append(')');
        md.Append(CultureInfo.InvariantCulture, $"; macro average over groups {Percent(report.Official.MacroAccuracy)}");
        md.Append(report.Official.NoPrediction > 0 ? $"; {report.Official.NoPrediction} records without a response" : "").Append(".\n\n");
        foreach (var (grouping, groups) in report.Official.Groups)
        {
            Table(md, $"Official: by {grouping}", groups);
        }
        md.Append("## Response forms by difficulty\n\n| difficulty | think | no-think | invalid | no-think rate |\n| --- | ---: | ---: | ---: | ---: |\n");
        foreach (var (d, u) in report.ModesByDifficulty)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {d} | {u.Think} | {u.NoThink} | {u.Invalid} | {Percent(u.NoThinkRate)} |\n");
        }
        md.Append(CultureInfo.InvariantCulture, $"| all | {report.Modes.Think} | {report.Modes.NoThink} | {report.Modes.Invalid} | {Percent(report.Modes.NoThinkRate)} |\n\n");
        Table(md, "Accuracy by difficulty", report.ByDifficulty);
        Table(md, "Accuracy by response form", report.ByMode);
        md.Append("## Mean response length (words)\n\n| form | words |\n| --- | ---: |\n");
        foreach (var (mode, words) in report.MeanWordsByMode)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {mode} | {words:0.0} |\n");
        }
        md.Append('\n');
        Table(md, "Accuracy by task", report.ByTask);
        Table(md, "Accuracy by category", report.ByCategory);
        return md.ToString();
    }

    /// <summary>Writes <c>report.json</c>, <c>report.md</c> and the PNG charts into <paramref name="directory"/>; returns the files written.</summary>
    public static IReadOnlyList<string> WriteAll(EvaluationReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        var json = Path.Combine(directory, "report.json");
        File.WriteAllText(json, ToJson(report) + "\n");
        files.Add(json);
        var md = Path.Combine(directory, "report.md");
        File.WriteAllText(md, ToMarkdown(report));
        files.Add(md);
        files.AddRange(WriteCharts(report, directory));
        return files;
    }

    /// <summary>Writes the bar charts: accuracy by difficulty, no-think rate by difficulty, accuracy by category, mean length by form.</summary>
    public static IReadOnlyList<string> WriteCharts(EvaluationReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        void Chart(string file, string title, string yLabel, IReadOnlyDictionary<string, double> values, double? yMax)
        {
            if (values.Count == 0)
            {
                return;
            }
            var path = Path.Combine(directory, file);
            BarChart(path, $"{report.Benchmark}: {title}", yLabel, values, yMax);
            files.Add(path);
        }
        Chart("accuracy_by_difficulty.png", "accuracy by difficulty", "accuracy (%)", report.ByDifficulty.ToDictionary(kv => kv.Key, kv => 100 * kv.Value.Accuracy), 100);
        Chart("no_think_rate_by_difficulty.png", "no-think rate by difficulty", "no-think responses (%)", report.NoThinkRateByDifficulty.ToDictionary(kv => kv.Key, kv => 100 * kv.Value), 100);
        Chart("accuracy_by_category.png", "accuracy by category", "accuracy (%)", report.ByCategory.ToDictionary(kv => kv.Key, kv => 100 * kv.Value.Accuracy), 100);
        Chart("response_length_by_mode.png", "mean response length", "words", report.MeanWordsByMode, null);
        return files;
    }

    /// <summary>Draws one labelled bar chart to a PNG file; many or long labels turn it into horizontal bars with the labels on the left.</summary>
    public static void BarChart(string path, string title, string yLabel, IReadOnlyDictionary<string, double> values, double? yMax = null)
    {
        var plot = new Plot();
        var labels = values.Keys.ToArray();
        var horizontal = labels.Length > 5 || labels.Any(l => l.Length > 12);
        // Horizontal bars run top to bottom in the dictionary's order.
        var positions = labels.Select((_, i) => horizontal ? labels.Length - 1 - i : (double)i).ToArray();
        var bars = labels.Select((label, i) => new Bar
        {
            Position = positions[i],
            Value = values[label],
            Label = values[label].ToString("0.#", CultureInfo.InvariantCulture),
            FillColor = Colors.SteelBlue,
        }).ToList();
        var series = plot.Add.Bars(bars);
        series.Horizontal = horizontal;
        series.ValueLabelStyle.FontSize = 12;
        // Headroom beyond the longest bar for its value label.
        var top = Math.Max(1.0, Math.Max(yMax ?? 0, values.Values.Max()) * 1.1);
        plot.Title(title);
        if (horizontal)
        {
            plot.Axes.Left.SetTicks(positions, labels);
            plot.XLabel(yLabel);
            plot.Axes.SetLimits(0, top, -0.6, labels.Length - 0.4);
        }
        else
        {
            plot.Axes.Bottom.SetTicks(positions, labels);
            plot.YLabel(yLabel);
            plot.Axes.SetLimits(-0.6, labels.Length - 0.4, 0, top);
        }
        var longest = labels.Max(l => l.Length);
        var width = horizontal ? 560 + 7 * Math.Min(60, longest) : Math.Max(480, 90 * labels.Length + 160);
        var height = horizontal ? Math.Max(300, 34 * labels.Length + 120) : 360;
        plot.SavePng(path, width, height);
    }

    private static void Table(StringBuilder md, string title, IReadOnlyDictionary<string, GroupScore> groups)
    {
        if (groups.Count == 0)
        {
            return;
        }
        var failures = groups.Values.Any(g => g.Failed > 0);
        md.Append(CultureInfo.InvariantCulture, $"## {title}\n\n| group | correct | scored |{(failures ? " unreadable |" : "")} accuracy |\n| --- | ---: | ---: |{(failures ? " ---: |" : "")} ---: |\n");
        foreach (var (name, g) in groups)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {name.Replace("|", "\\|", StringComparison.Ordinal)} | {g.Correct} | {g.Scored} |{(failures ? $" {g.Failed} |" : "")} {Percent(g.Accuracy)} |\n");
        }
        md.Append('\n');
    }

    private static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
